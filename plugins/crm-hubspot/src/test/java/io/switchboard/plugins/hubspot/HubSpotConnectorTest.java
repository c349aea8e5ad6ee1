package io.switchboard.plugins.hubspot;

import static io.switchboard.testkit.ConnectorTester.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.InboundMessage;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.TestPluginContext;
import io.switchboard.testkit.WebhookResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubSpotConnectorTest {

  static final String SECRET = "hubspot-client-secret-0123";
  static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  private final ConnectorTester hubspot = ConnectorTester.builder(
          new HubSpotConnector(new TestPluginContext("crm-hubspot"), Clock.fixed(NOW, ZoneOffset.UTC)))
      .tenant("acme")
      .value("properties", Map.of("lifecyclestage", "crm.lifecycleStage"))
      .secret(HubSpotConnector.CLIENT_SECRET, SECRET)
      .build();

  private WebhookResult post(String body, long timestampMs) {
    String ts = String.valueOf(timestampMs);
    String url = hubspot.url("events");
    return hubspot.post("events", json(url, body, HubSpotSignature.TIMESTAMP, ts,
        HubSpotSignature.HEADER, HubSpotSignature.sign(SECRET, "POST", url, body.getBytes(StandardCharsets.UTF_8), ts)));
  }

  static String event(long id, String type, String extra) {
    return "{\"eventId\": " + id + ", \"subscriptionId\": 12345, \"portalId\": 62515, \"appId\": 54321,"
        + " \"occurredAt\": 1764669600000, \"subscriptionType\": \"" + type + "\", \"attemptNumber\": 0, " + extra + "}";
  }

  @Test
  void theV3SignatureIsHmacSha256Base64OfMethodDecodedUriBodyAndTimestamp() throws Exception {
    // computed independently of HubSpotSignature: javax.crypto over the documented concatenation
    String url = "https://hub.example.com/webhooks/acme/hubspot/events?x=a%3Ab%2Fc";
    String body = "[{\"eventId\":1}]";
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected = java.util.Base64.getEncoder().encodeToString(mac.doFinal(
        ("POST" + "https://hub.example.com/webhooks/acme/hubspot/events?x=a:b/c" + body + "1764669600000")
            .getBytes(StandardCharsets.UTF_8)));
    assertThat(HubSpotSignature.sign(SECRET, "POST", url, body.getBytes(StandardCharsets.UTF_8), "1764669600000"))
        .isEqualTo(expected);
  }

  @Test
  void contactEventsBecomeContactUpdatesFoundByEmailThenByTheHubSpotId() {
    // events of one request about a contact whose address it carries go by that address (one partition, in order)
    String body = "[" + event(1, "contact.propertyChange", "\"objectId\": 123, \"propertyName\": \"email\", \"propertyValue\": \"dana@example.com\"")
        + "," + event(2, "contact.propertyChange", "\"objectId\": 123, \"propertyName\": \"lifecyclestage\", \"propertyValue\": \"customer\"")
        + "," + event(3, "contact.creation", "\"objectId\": 124")
        + "," + event(4, "contact.associationChange", "\"associationType\": \"CONTACT_TO_DEAL\", \"fromObjectId\": 123, \"toObjectId\": 900, \"associationRemoved\": false")
        + "," + event(5, "deal.propertyChange", "\"objectId\": 900, \"propertyName\": \"dealstage\", \"propertyValue\": \"closedwon\"")
        + "]";
    WebhookResult r = post(body, NOW.toEpochMilli());

    assertThat(r.status()).isEqualTo(200);
    List<InboundMessage> ms = r.messages();
    assertThat(ms).hasSize(4).allMatch(m -> m.kind() == InboundMessage.Kind.CONTACT_UPDATE);
    assertThat(ms.get(0).from()).isEqualTo("dana@example.com");
    assertThat(ms.get(0).attributes()).containsEntry("crm.hubspot.id", "123");
    assertThat(ms.get(0).providerMessageId()).isEqualTo("1");
    assertThat(ms.get(1).from()).isEqualTo("dana@example.com");
    assertThat(ms.get(1).attributes()).containsEntry("crm.hubspot.properties.lifecyclestage", "customer")
        .containsEntry("crm.lifecycleStage", "customer");
    assertThat(ms.get(2).from()).isEqualTo("dana@example.com");
    assertThat(ms.get(2).attributes()).containsEntry("crm.hubspot.deals.900.associated", "true");
    assertThat(ms.get(3).from()).isEqualTo("@crm.hubspot.deals.900.associated=true");
    assertThat(ms.get(3).attributes()).containsEntry("crm.hubspot.deals.900.dealstage", "closedwon");
    assertThat(ms.get(3).receivedAt()).isEqualTo(Instant.ofEpochMilli(1764669600000L));

    // HubSpot's retry of the same events: acknowledged, queued once
    assertThat(post(body, NOW.toEpochMilli()).queued()).isEmpty();

    // a later request without the address finds the contact by the HubSpot id the first one stored
    InboundMessage later = post("[" + event(6, "contact.propertyChange",
        "\"objectId\": 123, \"propertyName\": \"lifecyclestage\", \"propertyValue\": \"evangelist\"") + "]",
        NOW.toEpochMilli()).single();
    assertThat(later.from()).isEqualTo("@crm.hubspot.id=123");
    assertThat(later.attributes()).containsEntry("crm.lifecycleStage", "evangelist");
  }

  @Test
  void missingWrongAndStaleSignaturesAreRefused() {
    String body = "[" + event(7, "contact.propertyChange", "\"objectId\": 1, \"propertyName\": \"email\", \"propertyValue\": \"x@example.com\"") + "]";
    String url = hubspot.url("events");
    assertThat(hubspot.post("events", json(url, body)).status()).isEqualTo(401);
    WebhookResult wrong = hubspot.post("events", json(url, body, HubSpotSignature.TIMESTAMP, String.valueOf(NOW.toEpochMilli()),
        HubSpotSignature.HEADER, HubSpotSignature.sign("another-secret", "POST", url, body.getBytes(StandardCharsets.UTF_8),
            String.valueOf(NOW.toEpochMilli()))));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.code()).isEqualTo("invalid_signature");
    assertThat(wrong.body()).doesNotContain(SECRET);
    WebhookResult stale = post(body, NOW.minusSeconds(301).toEpochMilli());
    assertThat(stale.status()).isEqualTo(401);
    assertThat(stale.code()).isEqualTo("expired_signature");
    assertThat(stale.queued()).isEmpty();
  }

  @Test
  void malformedBodiesAre400WithTheFieldNamed() {
    assertThat(post("{\"eventId\": 1}", NOW.toEpochMilli()).status()).isEqualTo(400);
    assertThat(post("not json", NOW.toEpochMilli()).code()).isEqualTo("malformed_json");
    WebhookResult noObject = post("[" + event(8, "contact.propertyChange", "\"propertyName\": \"email\"") + "]", NOW.toEpochMilli());
    assertThat(noObject.status()).isEqualTo(400);
    assertThat(noObject.body()).contains("[0].objectId");
  }

  @Test
  void theSimulatorSignsWhatTheConnectorAccepts() {
    WebhookResult r = hubspot.simulate("events", "erin@example.com", "lifecyclestage=lead");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.messages()).hasSize(2);
    assertThat(r.messages().get(1).attributes()).containsEntry("crm.lifecycleStage", "lead");
  }
}
