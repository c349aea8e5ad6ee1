package io.switchboard.plugins.whatsapp;

import static io.switchboard.testkit.ConnectorTester.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.InboundMessage;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookRequest;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.TestPluginContext;
import io.switchboard.testkit.WebhookResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Meta's webhooks (its documented example payloads) through the hub's path, with the test kit. */
class WhatsAppCloudConnectorTest {

  static final String APP_SECRET = "meta-app-secret-0123456789";
  static final String VERIFY_TOKEN = "meta-verify-token-0123456789";
  static final String PHONE_NUMBER_ID = "106540352242922";

  private final TestPluginContext context = new TestPluginContext("whatsapp-cloud");

  private final ConnectorTester connector = ConnectorTester.builder(new WhatsAppCloudConnector(context))
      .tenant("acme")
      .value("phoneNumberIds", List.of(PHONE_NUMBER_ID))
      .value("displayPhoneNumber", "+15550783881")
      .secret("appSecret", APP_SECRET)
      .secret("verifyToken", VERIFY_TOKEN)
      .secret("accessToken", "EAAG-access-token-0123456789")
      .build();

  static String payload(String name) {
    try (InputStream in = WhatsAppCloudConnectorTest.class.getResourceAsStream("/payloads/" + name + ".json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String signature(String body) {
    return "sha256=" + WhatsAppCloudConnector.sign(APP_SECRET, body.getBytes(StandardCharsets.UTF_8));
  }

  private WebhookResult post(String body) {
    return connector.post("messages", json(connector.url("messages"), body, "X-Hub-Signature-256", signature(body)));
  }

  private WebhookResult handshake(String query) {
    return connector.challenge("messages", ConnectorTester.get(connector.url("messages") + "?" + query));
  }

  @Test
  void theHandshakeEchoesTheChallengeForTheTenantsVerifyToken() {
    WebhookResult ok = handshake("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=" + VERIFY_TOKEN);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.contentType()).isEqualTo("text/plain");
    assertThat(ok.body()).isEqualTo("1158201444");

    WebhookResult wrong = handshake("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess");
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.code()).isEqualTo("invalid_verify_token");
    assertThat(wrong.body()).doesNotContain("guess", "1158201444");

    assertThat(handshake("hub.challenge=1&hub.verify_token=" + VERIFY_TOKEN).code()).isEqualTo("invalid_mode");
    assertThat(handshake("hub.mode=subscribe&hub.challenge=1").status()).isEqualTo(403);
    assertThat(handshake("hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN).status()).isEqualTo(400);
    assertThat(handshake("hub.mode=subscribe&hub.verify_token=%zz").code()).isEqualTo("malformed_query");
  }

  @Test
  void aTextMessageBecomesOneInboundMessage() {
    WebhookResult r = post(payload("text"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    InboundMessage m = r.single();
    assertThat(m.channel()).isEqualTo("whatsapp");
    assertThat(m.providerMessageId()).isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=");
    assertThat(m.from()).isEqualTo("+16505551234");
    assertThat(m.to()).isEqualTo("+15550783881");
    assertThat(m.text()).isEqualTo("Does it come in another color?");
    assertThat(m.media()).isEmpty();
    assertThat(m.attributes()).containsEntry("profileName", "Sheena Nelson")
        .containsEntry("phoneNumberId", PHONE_NUMBER_ID).containsEntry("type", "text")
        .containsEntry("timestamp", "1749416383");
    assertThat(context.metrics().counter("whatsapp.messages.parsed", Map.of("tenant", "acme"))).isEqualTo(1.0);
  }

  @Test
  void mediaMessagesCarryTheMediaIdMimeTypeCaptionAndFilename() {
    List<InboundMessage> ms = post(payload("image")).messages();

    assertThat(ms).hasSize(2);
    InboundMessage image = ms.get(0);
    assertThat(image.text()).isEqualTo("This is a caption");
    assertThat(image.media()).containsExactly(new InboundMessage.Media("whatsapp-media:1003383421387256", "image/jpeg"));
    assertThat(image.attributes()).containsEntry("mediaId", "1003383421387256").containsEntry("type", "image");
    InboundMessage document = ms.get(1);
    assertThat(document.text()).isEmpty();
    assertThat(document.media()).containsExactly(new InboundMessage.Media("whatsapp-media:1090479592830347", "application/pdf"));
    assertThat(document.attributes()).containsEntry("filename", "lucky-shrub-invoice.pdf");
  }

  @Test
  void repliesToButtonsAndListsAndLocationsKeepWhatWasChosen() {
    List<InboundMessage> ms = post(payload("interactive")).messages();

    assertThat(ms).hasSize(4);
    assertThat(ms.get(0).text()).isEqualTo("Change");
    assertThat(ms.get(0).attributes()).containsEntry("interactiveType", "button_reply")
        .containsEntry("replyId", "change-button").containsEntry("replyTitle", "Change")
        .containsEntry("replyTo", "wamid.HBgLMTY0NjcwNDM1OTUVAgARGBI1RjQyNUE3NEYxMzAzMzQ5MkEA");
    assertThat(ms.get(1).text()).isEqualTo("Priority Mail Express");
    assertThat(ms.get(1).attributes()).containsEntry("interactiveType", "list_reply")
        .containsEntry("replyId", "priority_express").containsEntry("replyDescription", "Next Day to 2 Days");
    assertThat(ms.get(2).text()).isEqualTo("Unsubscribe");
    assertThat(ms.get(2).attributes()).containsEntry("type", "button").containsEntry("buttonPayload", "Unsubscribe");
    assertThat(ms.get(3).text()).isEmpty();
    assertThat(ms.get(3).attributes()).containsEntry("latitude", "37.483307").containsEntry("longitude", "-122.148981")
        .containsEntry("locationName", "Main Office").containsEntry("locationAddress", "1 Hacker Way, Menlo Park, CA 94025");
  }

  @Test
  void statusesBecomeDeliveryReceiptsForTheSentMessage() {
    WebhookResult r = post(payload("statuses"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.messages()).hasSize(2).allMatch(m -> m.kind() == InboundMessage.Kind.STATUS);
    InboundMessage delivered = r.messages().get(0);
    assertThat(delivered.providerMessageId()).isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA:delivered");
    assertThat(delivered.attributes()).containsEntry(InboundMessage.STATUS_MESSAGE_ID,
        "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVBOTE3MDk5QUVFM0YA").containsEntry(InboundMessage.STATUS, "delivered")
        .doesNotContainKey(InboundMessage.STATUS_ERROR);
    assertThat(delivered.from()).isEqualTo("+16505551234");
    assertThat(delivered.receivedAt()).isEqualTo(java.time.Instant.ofEpochSecond(1750263773));
    InboundMessage failed = r.messages().get(1);
    assertThat(failed.attributes()).containsEntry(InboundMessage.STATUS, "failed")
        .containsEntry(InboundMessage.STATUS_ERROR, "131047 Re-engagement message");
  }

  @Test
  void missingAndWrongSignaturesAreRefused() {
    String body = payload("text");

    WebhookResult missing = connector.post("messages", json(connector.url("messages"), body));
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.code()).isEqualTo("missing_signature");

    WebhookResult tampered = connector.post("messages", json(connector.url("messages"),
        body.replace("another color", "another colour"), "X-Hub-Signature-256", signature(body)));
    assertThat(tampered.status()).isEqualTo(403);
    assertThat(tampered.code()).isEqualTo("invalid_signature");

    WebhookResult otherSecret = connector.post("messages", json(connector.url("messages"), body,
        "X-Hub-Signature-256", "sha256=" + WhatsAppCloudConnector.sign("not-the-app-secret", body.getBytes(StandardCharsets.UTF_8))));
    assertThat(otherSecret.status()).isEqualTo(403);

    WebhookResult upperCase = connector.post("messages", json(connector.url("messages"), body,
        "X-Hub-Signature-256", signature(body).toUpperCase(java.util.Locale.ROOT)));
    assertThat(upperCase.status()).isEqualTo(200);
  }

  @Test
  void bodiesMetaDoesNotSendAreRefusedWithWhatIsWrong() {
    WebhookResult broken = post("{\"object\":");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.code()).isEqualTo("malformed_json");
    assertThat(broken.message()).startsWith("the body is not valid JSON: ");

    WebhookResult page = post("{\"object\":\"page\",\"entry\":[]}");
    assertThat(page.code()).isEqualTo("unsupported_object");
    assertThat(page.message()).contains("whatsapp_business_account", "\"page\"");

    WebhookResult noId = post(payload("text").replace("\"id\": \"wamid.", "\"wamid\": \"wamid."));
    assertThat(noId.code()).isEqualTo("missing_field");
    assertThat(noId.message()).isEqualTo("field 'entry[0].changes[0].value.messages[0].id' is required and must be a string");

    assertThat(post("[]").code()).isEqualTo("malformed_json");
    assertThat(post("{\"object\":\"whatsapp_business_account\"}").message()).contains("'entry'");
  }

  @Test
  void aPhoneNumberIdTheTenantHasNotConfiguredIsNotItsChannel() {
    WebhookResult r = post(payload("text").replace(PHONE_NUMBER_ID, "999999999999999"));
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("channel_not_configured");
    assertThat(r.message()).contains("'999999999999999'", "phoneNumberIds");
  }

  @Test
  void aTenantWithoutSecretsOrNumbersIsTheHubsMisconfiguration() {
    ConnectorTester unconfigured = ConnectorTester.builder(new WhatsAppCloudConnector(context)).tenant("acme").build();
    String body = payload("text");
    WebhookResult r = unconfigured.post("messages", json(unconfigured.url("messages"), body, "X-Hub-Signature-256", "x"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.code()).isEqualTo("channel_misconfigured");
    assertThat(unconfigured.challenge("messages", ConnectorTester.get(unconfigured.url("messages") + "?hub.mode=subscribe"))
        .code()).isEqualTo("channel_misconfigured");

    ConnectorTester noNumbers = ConnectorTester.builder(new WhatsAppCloudConnector(context))
        .secret("appSecret", APP_SECRET).build();
    WebhookResult n = noNumbers.post("messages", json(noNumbers.url("messages"), body, "X-Hub-Signature-256", signature(body)));
    assertThat(n.code()).isEqualTo("channel_misconfigured");
    assertThat(n.message()).contains("phoneNumberIds");
  }

  @Test
  void simulatedMessagesRoundTripAndMetaRetriesAreQueuedOnce() {
    WebhookResult first = connector.simulate("messages", "+16505551234", "hello from a test");
    assertThat(first.status()).isEqualTo(200);
    InboundMessage m = first.single();
    assertThat(m.text()).isEqualTo("hello from a test");
    assertThat(m.from()).isEqualTo("+16505551234");
    assertThat(m.to()).isEqualTo("+15550783881");
    assertThat(m.providerMessageId()).startsWith("wamid.");
    assertThat(first.queued()).hasSize(1);

    WebhookRequest request = connector.simulatedRequest(new SimulatedMessage(
        "messages", connector.url("messages"), "+16505551234", "+15550783882", "again"));
    assertThat(request.header("X-Hub-Signature-256")).startsWith("sha256=");
    WebhookResult once = connector.post("messages", request);
    assertThat(once.single().to()).isEqualTo("+15550783882");
    assertThat(once.queued()).hasSize(1);
    // Meta retries until it gets a 200: the same wamid is acknowledged again, not queued again.
    WebhookResult retry = connector.post("messages", request);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.queued()).isEmpty();
  }
}
