package io.switchboard.plugins.aillm;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.StepFactory;
import io.switchboard.testkit.PluginArchive;
import io.switchboard.testkit.StepTester;
import io.switchboard.testkit.TestPluginContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged zip, loaded with PF4J as the hub loads it, runs ai.llm from its own class loader:
 * LangChain4j 1.19.0 (its core included) and Resilience4j come out of the archive's lib/, Jackson
 * and SLF4J from the hub, and the step talks to a stub OpenAI server through them.
 */
class PluginZipIT {

  static final Path ZIP = Path.of(System.getProperty("plugin.zip", "target/switchboard-plugin-ai-llm.zip"));

  @Test
  void theZipLoadsAndItsStepCallsTheModel() throws Exception {
    assertThat(PluginArchive.problems(ZIP)).isEmpty();
    assertThat(PluginArchive.shared(ZIP)).as("no Jackson copies in lib/").isEmpty();

    try (StubOpenAi stub = new StubOpenAi(); PluginArchive plugin = PluginArchive.load(ZIP, new TestPluginContext("ai-llm"))) {
      assertThat(plugin.pluginId()).isEqualTo("ai-llm");
      assertThat(plugin.descriptor().getPluginClass()).isEqualTo(AiLlmPlugin.class.getName());
      assertThat(plugin.entries()).contains("plugin.properties", "classes/META-INF/extensions.idx",
          "lib/langchain4j-core-1.19.0.jar", "lib/langchain4j-open-ai-1.19.0.jar", "lib/langchain4j-http-client-jdk-1.19.0.jar",
          "lib/resilience4j-circuitbreaker-2.4.0.jar");
      assertThat(plugin.entries()).noneMatch(e -> e.startsWith("lib/jackson-") || e.startsWith("lib/slf4j-"));
      // The test's class path has these libraries too: the plugin must use its lib/ copies.
      for (String library : List.of("dev.langchain4j.model.openai.OpenAiChatModel",
          "dev.langchain4j.model.chat.ChatModel", "io.github.resilience4j.circuitbreaker.CircuitBreaker")) {
        assertThat(plugin.classLoader().loadClass(library).getClassLoader()).as(library).isSameAs(plugin.classLoader());
      }

      StepFactory<?> llm = plugin.stepFactory("ai.llm");
      assertThat(llm.getClass().getClassLoader()).isSameAs(plugin.classLoader());
      Map<String, Object> signals = StepTester.of(llm)
          .configure(Map.of("baseUrl", stub.baseUrl(), "model", "gpt-4o-mini", "apiKey", "sk-zip",
              // the first call in a fresh class loader loads LangChain4j and the JDK client: on a busy
              // machine that takes seconds; this test is about loading, not timing
              "timeoutMs", 30000))
          .run("Where is my parcel?");

      Map<?, ?> signal = (Map<?, ?>) signals.get("llm");
      assertThat(signal.get("source")).as("signal %s", signal).isEqualTo("llm");
      assertThat(signal.get("text")).isEqualTo("Your parcel arrives tomorrow.");
      assertThat(stub.last().authorization()).isEqualTo("Bearer sk-zip");
      assertThat(stub.last().message("user")).contains("Message: Where is my parcel?");
    }
  }
}
