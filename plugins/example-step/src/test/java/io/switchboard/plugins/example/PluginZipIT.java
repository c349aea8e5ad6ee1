package io.switchboard.plugins.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.StepFactory;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.PluginArchive;
import io.switchboard.testkit.StepTester;
import io.switchboard.testkit.TestPluginContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The packaged zip, loaded with PF4J as the hub loads it, serves both extensions from its own class loader. */
class PluginZipIT {

  @Test
  void theZipLoadsAndItsExtensionsWork() throws Exception {
    Path zip = Path.of(System.getProperty("plugin.zip", "target/switchboard-plugin-example-step.zip"));
    assertThat(PluginArchive.problems(zip)).isEmpty();

    TestPluginContext context = new TestPluginContext("example-step");
    try (PluginArchive plugin = PluginArchive.load(zip, context)) {
      assertThat(plugin.pluginId()).isEqualTo("example-step");
      assertThat(plugin.descriptor().getPluginClass()).isEqualTo(ExamplePlugin.class.getName());
      assertThat(plugin.descriptor().getRequires()).isEqualTo(">=0.1.0");
      assertThat(plugin.entries()).contains("plugin.properties", "classes/META-INF/extensions.idx",
          "classes/io/switchboard/plugins/example/KeywordsStepFactory.class");
      // Nothing to ship: the API, PF4J, SLF4J and Jackson all come from the hub.
      assertThat(plugin.entries()).noneMatch(e -> e.startsWith("lib/") && e.endsWith(".jar"));

      StepFactory<?> factory = plugin.stepFactory("example.keywords");
      assertThat(factory.getClass().getClassLoader()).isSameAs(plugin.classLoader());
      Map<String, Object> signals = StepTester.of(factory)
          .configure(Map.of("keywords", List.of("refund")))
          .run("I want a refund");
      assertThat(signals).containsEntry("keywords", List.of("refund"));

      ChannelConnector connector = plugin.connector("example");
      assertThat(connector.getClass().getClassLoader()).isSameAs(plugin.classLoader());
      ConnectorTester tester = ConnectorTester.builder(connector).secret("signingSecret", "zip-secret-123").build();
      assertThat(tester.simulate("messages", "+15551230001", "from the zip").single().text()).isEqualTo("from the zip");
      // The connector was built with the context handed to the archive, as the hub hands it its own.
      assertThat(context.metrics().counter("example.messages.parsed")).isEqualTo(1.0);
    }
  }
}
