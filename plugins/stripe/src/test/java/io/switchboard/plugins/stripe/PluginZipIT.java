package io.switchboard.plugins.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ActionPerformer;
import io.switchboard.api.ChannelConnector;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.PluginArchive;
import io.switchboard.testkit.TestPluginContext;
import io.switchboard.testkit.WebhookResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The packaged zip, loaded with PF4J as the hub loads it, serves the connector and the actions from
 * its own class loader, with stripe-java and Gson from its lib/.
 */
class PluginZipIT {

  @Test
  void theZipLoadsAndItsConnectorVerifiesWithTheBundledSdk() throws Exception {
    Path zip = Path.of(System.getProperty("plugin.zip", "target/switchboard-plugin-stripe.zip"));
    assertThat(PluginArchive.problems(zip)).isEmpty();

    TestPluginContext context = new TestPluginContext("stripe");
    try (PluginArchive plugin = PluginArchive.load(zip, context)) {
      assertThat(plugin.pluginId()).isEqualTo("stripe");
      assertThat(plugin.descriptor().getPluginClass()).isEqualTo(StripePlugin.class.getName());
      assertThat(plugin.entries()).contains("plugin.properties", "classes/META-INF/extensions.idx",
          "classes/io/switchboard/plugins/stripe/StripeConnector.class");
      assertThat(plugin.entries()).anyMatch(e -> e.matches("lib/stripe-java-.*\\.jar"))
          .anyMatch(e -> e.matches("lib/gson-.*\\.jar"))
          // the API, PF4J and SLF4J come from the hub
          .noneMatch(e -> e.matches("lib/(switchboard-api|pf4j|slf4j-api)-.*\\.jar"));

      ChannelConnector connector = plugin.connector("stripe");
      assertThat(connector.getClass().getClassLoader()).isSameAs(plugin.classLoader());
      assertThat(connector.endpoints()).containsExactly("events");
      ConnectorTester tester = ConnectorTester.builder(connector).secret("webhookSecret", "whsec_zip_secret_123").build();
      WebhookResult r = tester.simulate("events", "cus_ZIP1", "invoice.payment_failed");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.single().from()).isEqualTo("@billing.customerId=cus_ZIP1");
      assertThat(context.metrics().counter("stripe.events.parsed")).isEqualTo(1.0);

      assertThat(plugin.extensions(ActionPerformer.class)).singleElement()
          .satisfies(a -> assertThat(a.types()).containsExactlyInAnyOrder("stripe.customer", "stripe.checkout"));
    }
  }
}
