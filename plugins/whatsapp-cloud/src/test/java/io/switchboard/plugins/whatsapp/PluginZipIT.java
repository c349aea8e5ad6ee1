package io.switchboard.plugins.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ChannelConnector;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.PluginArchive;
import io.switchboard.testkit.TestPluginContext;
import io.switchboard.testkit.WebhookResult;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packaged zip, loaded with PF4J as the hub loads it, serves the connector from its own class loader. */
class PluginZipIT {

  @Test
  void theZipLoadsAndItsConnectorWorks() throws Exception {
    Path zip = Path.of(System.getProperty("plugin.zip", "target/switchboard-plugin-whatsapp-cloud.zip"));
    assertThat(PluginArchive.problems(zip)).isEmpty();

    TestPluginContext context = new TestPluginContext("whatsapp-cloud");
    try (PluginArchive plugin = PluginArchive.load(zip, context)) {
      assertThat(plugin.pluginId()).isEqualTo("whatsapp-cloud");
      assertThat(plugin.descriptor().getPluginClass()).isEqualTo(WhatsAppCloudPlugin.class.getName());
      assertThat(plugin.entries()).contains("plugin.properties", "classes/META-INF/extensions.idx",
          "classes/io/switchboard/plugins/whatsapp/WhatsAppCloudConnector.class");
      // Nothing to ship: the API, PF4J, SLF4J and Jackson come from the hub, HMAC and HTTP from the JDK.
      assertThat(plugin.entries()).noneMatch(e -> e.startsWith("lib/") && e.endsWith(".jar"));

      ChannelConnector connector = plugin.connector("whatsapp-cloud");
      assertThat(connector.getClass().getClassLoader()).isSameAs(plugin.classLoader());
      assertThat(connector.endpoints()).containsExactly("messages");
      ConnectorTester tester = ConnectorTester.builder(connector)
          .value("phoneNumberIds", List.of("106540352242922"))
          .value("displayPhoneNumber", "+15550783881")
          .secret("appSecret", "zip-app-secret-123")
          .secret("verifyToken", "zip-verify-token")
          .build();
      assertThat(tester.simulate("messages", "+16505551234", "from the zip").single().text()).isEqualTo("from the zip");
      WebhookResult handshake = tester.challenge("messages", ConnectorTester.get(tester.url("messages")
          + "?hub.mode=subscribe&hub.challenge=42&hub.verify_token=zip-verify-token"));
      assertThat(handshake.body()).isEqualTo("42");
      assertThat(context.metrics().counter("whatsapp.messages.parsed")).isEqualTo(1.0);
    }
  }
}
