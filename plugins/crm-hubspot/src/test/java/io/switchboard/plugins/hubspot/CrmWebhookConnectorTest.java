package io.switchboard.plugins.hubspot;

import static io.switchboard.testkit.ConnectorTester.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.Hmac;
import io.switchboard.api.InboundMessage;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.TestPluginContext;
import io.switchboard.testkit.WebhookResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CrmWebhookConnectorTest {

  static final String SECRET = "crm-signing-secret-0123";
  static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  private final ConnectorTester crm = ConnectorTester.builder(
          new CrmWebhookConnector(new TestPluginContext("crm-hubspot"), Clock.fixed(NOW, ZoneOffset.UTC)))
      .tenant("acme").secret(CrmWebhookConnector.SECRET, SECRET).build();

  private WebhookResult post(String body, long t) {
    return crm.post("events", json(crm.url("events"), body, CrmWebhookConnector.HEADER,
        Hmac.timestampedHeader(SECRET, t, body.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void signedEventsBecomeContactUpdates() {
    WebhookResult r = post("""
        [{"eventId": "e1", "occurredAt": "2026-12-02T09:00:00Z", "contact": {"email": "dana@example.com"},
          "fields": {"crm.stage": "customer", "crm.seats": 12, "crm.old": null}},
         {"eventId": "e2", "contact": {"ref": {"path": "crm.id", "value": "42"}}, "fields": {"crm.owner": "sam"}}]""",
        NOW.getEpochSecond());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.messages()).hasSize(2).allMatch(m -> m.kind() == InboundMessage.Kind.CONTACT_UPDATE);
    assertThat(r.messages().get(0).from()).isEqualTo("dana@example.com");
    assertThat(r.messages().get(0).attributes()).containsEntry("crm.stage", "customer").containsEntry("crm.seats", "12")
        .containsEntry("crm.old", "");
    assertThat(r.messages().get(0).receivedAt()).isEqualTo(Instant.parse("2026-12-02T09:00:00Z"));
    assertThat(r.messages().get(1).from()).isEqualTo("@crm.id=42");
    assertThat(post("{\"eventId\": \"e1\", \"contact\": {\"email\": \"dana@example.com\"}, \"fields\": {\"crm.stage\": \"x\"}}",
        NOW.getEpochSecond()).queued()).as("a retried event id is queued once").isEmpty();
  }

  @Test
  void badSignaturesAndBodiesAreRefused() {
    String body = "{\"eventId\": \"e9\", \"contact\": {\"email\": \"a@b.c\"}, \"fields\": {\"x\": \"y\"}}";
    assertThat(crm.post("events", json(crm.url("events"), body)).status()).isEqualTo(401);
    assertThat(crm.post("events", json(crm.url("events"), body, CrmWebhookConnector.HEADER,
        Hmac.timestampedHeader("wrong", NOW.getEpochSecond(), body.getBytes(StandardCharsets.UTF_8)))).status()).isEqualTo(403);
    assertThat(post(body, NOW.getEpochSecond() - 301).code()).isEqualTo("expired_signature");
    WebhookResult noContact = post("{\"eventId\": \"e3\", \"fields\": {\"x\": \"y\"}}", NOW.getEpochSecond());
    assertThat(noContact.status()).isEqualTo(400);
    assertThat(noContact.body()).contains("contact");
    assertThat(post("{\"eventId\": \"e4\", \"contact\": {\"email\": \"a@b.c\"}, \"fields\": {\"bad path!\": \"y\"}}",
        NOW.getEpochSecond()).status()).isEqualTo(400);
  }

  @Test
  void theSimulatorSignsWhatTheConnectorAccepts() {
    WebhookResult r = crm.simulate("events", "+15551230001", "crm.stage=trial");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.messages().get(0).attributes()).containsEntry("crm.stage", "trial");
  }
}
