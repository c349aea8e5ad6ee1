package io.switchboard.plugins.hubspot;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ActionPerformer;
import io.switchboard.api.ChannelConnector;
import io.switchboard.api.InboundMessage;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.PluginArchive;
import io.switchboard.testkit.TestPluginContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packaged zip, loaded with PF4J as the hub loads it, serves both connectors, the actions and the steps. */
class PluginZipIT {

  @Test
  void theZipLoadsAndItsExtensionsWork() throws Exception {
    Path zip = Path.of(System.getProperty("plugin.zip", "target/switchboard-plugin-crm-hubspot.zip"));
    assertThat(PluginArchive.problems(zip)).isEmpty();

    TestPluginContext context = new TestPluginContext("crm-hubspot");
    try (PluginArchive plugin = PluginArchive.load(zip, context)) {
      assertThat(plugin.pluginId()).isEqualTo("crm-hubspot");
      assertThat(plugin.descriptor().getPluginClass()).isEqualTo(HubSpotPlugin.class.getName());
      // Nothing to ship: the API, PF4J and Jackson come from the hub, HMAC and HTTP from the JDK.
      assertThat(plugin.entries()).noneMatch(e -> e.startsWith("lib/") && e.endsWith(".jar"));

      ChannelConnector hubspot = plugin.connector("hubspot");
      assertThat(hubspot.getClass().getClassLoader()).isSameAs(plugin.classLoader());
      ConnectorTester tester = ConnectorTester.builder(hubspot).secret("clientSecret", "zip-client-secret").build();
      InboundMessage m = tester.simulate("events", "zip@example.com", "").single();
      assertThat(m.kind()).isEqualTo(InboundMessage.Kind.CONTACT_UPDATE);
      assertThat(m.from()).isEqualTo("zip@example.com");

      ChannelConnector crm = plugin.connector("crm");
      ConnectorTester generic = ConnectorTester.builder(crm).secret("signingSecret", "zip-signing-secret").build();
      assertThat(generic.simulate("events", "zip@example.com", "plan=pro").single().kind())
          .isEqualTo(InboundMessage.Kind.CONTACT_UPDATE);

      assertThat(plugin.extensions(ActionPerformer.class)).flatExtracting(ActionPerformer::types)
          .containsExactlyInAnyOrder("crm.hubspot.contact", "crm.hubspot.task", "crm.hubspot.note");
      assertThat(List.of("crm.hubspot.contact", "crm.hubspot.task", "crm.hubspot.note"))
          .allSatisfy(step -> assertThat(plugin.stepFactory(step)).isNotNull());
    }
  }
}
