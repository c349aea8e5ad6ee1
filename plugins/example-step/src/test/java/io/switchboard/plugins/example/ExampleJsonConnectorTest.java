package io.switchboard.plugins.example;

import static io.switchboard.testkit.ConnectorTester.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.InboundMessage;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.TestPluginContext;
import io.switchboard.testkit.WebhookResult;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example connector behind the hub's webhook path, through the test kit. */
class ExampleJsonConnectorTest {

  static final String SECRET = "example-signing-secret";

  private final TestPluginContext context = new TestPluginContext("example-step");

  private final ConnectorTester connector = ConnectorTester.builder(new ExampleJsonConnector(context))
      .tenant("acme")
      .value("number", "+15550006000")
      .secret("signingSecret", SECRET)
      .build();

  private static String signature(String body) {
    return "sha256=" + ExampleJsonConnector.sign(SECRET, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void acceptsASignedMessage() {
    String body = "{\"id\":\"m-1\",\"from\":\"+15551230001\",\"text\":\"Café?\"}";

    WebhookResult r = connector.post("messages",
        json(connector.url("messages"), body, "X-Example-Signature", signature(body)));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"received\":1}");
    InboundMessage m = r.single();
    assertThat(m.providerMessageId()).isEqualTo("m-1");
    assertThat(m.from()).isEqualTo("+15551230001");
    assertThat(m.to()).isEqualTo("+15550006000");
    assertThat(m.text()).isEqualTo("Café?");
    assertThat(context.metrics().counter("example.messages.parsed", Map.of("tenant", "acme"))).isEqualTo(1.0);
  }

  @Test
  void refusesMissingAndWrongSignatures() {
    String body = "{\"id\":\"m-1\",\"from\":\"+15551230001\"}";

    WebhookResult missing = connector.post("messages", json(connector.url("messages"), body));
    assertThat(missing.status()).isEqualTo(403);
    assertThat(missing.code()).isEqualTo("missing_signature");

    WebhookResult tampered = connector.post("messages", json(connector.url("messages"),
        body.replace("m-1", "m-2"), "X-Example-Signature", signature(body)));
    assertThat(tampered.status()).isEqualTo(403);
    assertThat(tampered.code()).isEqualTo("invalid_signature");
    assertThat(tampered.body()).startsWith("{\"code\":\"invalid_signature\",\"message\":");
  }

  @Test
  void refusesBodiesTheProviderDoesNotSend() {
    String noFrom = "{\"id\":\"m-1\"}";
    WebhookResult r = connector.post("messages", json(connector.url("messages"), noFrom, "X-Example-Signature", signature(noFrom)));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("missing_field");
    assertThat(r.message()).isEqualTo("field 'from' is required and must be a string");

    String broken = "{\"id\":";
    assertThat(connector.post("messages", json(connector.url("messages"), broken, "X-Example-Signature", signature(broken)))
        .code()).isEqualTo("malformed_json");
  }

  @Test
  void aTenantWithoutTheSecretIsTheHubsMisconfiguration() {
    ConnectorTester unconfigured = ConnectorTester.builder(new ExampleJsonConnector(context)).tenant("acme").build();
    WebhookResult r = unconfigured.post("messages", json(unconfigured.url("messages"), "{}", "X-Example-Signature", "x"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.code()).isEqualTo("channel_misconfigured");
  }

  @Test
  void simulatedMessagesRoundTripAndRetriesAreQueuedOnce() {
    WebhookResult first = connector.simulate("messages", "+15551230001", "hello from a test");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.single().text()).isEqualTo("hello from a test");
    assertThat(first.queued()).hasSize(1);

    var request = connector.simulatedRequest(new io.switchboard.api.SimulatedMessage(
        "messages", connector.url("messages"), "+15551230001", null, "again"));
    assertThat(connector.post("messages", request).queued()).hasSize(1);
    WebhookResult retry = connector.post("messages", request);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.queued()).isEmpty();
  }
}
