package io.switchboard.plugins.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ChannelConnector;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.PluginArchive;
import io.switchboard.testkit.TestPluginContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packaged zip, loaded with PF4J as the hub loads it, serves the connector from its own class loader. */
class PluginZipIT {

  @Test
  void theZipLoadsAndItsConnectorWorks() throws Exception {
    Path zip = Path.of(System.getProperty("plugin.zip", "target/switchboard-plugin-email.zip"));
    assertThat(PluginArchive.problems(zip)).isEmpty();

    TestPluginContext context = new TestPluginContext("email");
    try (PluginArchive plugin = PluginArchive.load(zip, context)) {
      assertThat(plugin.pluginId()).isEqualTo("email");
      assertThat(plugin.descriptor().getPluginClass()).isEqualTo(EmailPlugin.class.getName());
      assertThat(plugin.entries()).contains("plugin.properties", "classes/META-INF/extensions.idx",
          "classes/io/switchboard/plugins/email/EmailConnector.class");
      // It ships Jakarta Mail: the API, Angus' implementation and Activation.
      assertThat(plugin.entries()).anyMatch(e -> e.startsWith("lib/angus-mail-") && e.endsWith(".jar"))
          .anyMatch(e -> e.startsWith("lib/jakarta.mail-api-"));

      ChannelConnector connector = plugin.connector("email");
      assertThat(connector.getClass().getClassLoader()).isSameAs(plugin.classLoader());
      assertThat(connector.endpoints()).containsExactly("inbound");
      ConnectorTester tester = ConnectorTester.builder(connector)
          .value("addresses", List.of("support@acme.example"))
          .secret("webhookSecret", "zip-webhook-secret-123")
          .build();
      assertThat(tester.simulate("inbound", "ann@customer.example", "from the zip").single().text()).isEqualTo("from the zip");
      assertThat(context.metrics().counter("email.messages.parsed")).isEqualTo(1.0);
    }
  }
}
