package io.switchboard.plugins.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookRequest;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.WebhookResult;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whatsapp endpoint through the test kit, the way the hub's ingress runs it, with the fields
 * Twilio posts for inbound WhatsApp messages (its "incoming message webhook" reference: From/To as
 * whatsapp:+E164, ProfileName, WaId, MessageType, NumMedia/MediaUrl{n}/MediaContentType{n},
 * ButtonText/ButtonPayload for quick replies).
 */
class TwilioWhatsAppTest {

  static final String TOKEN = "wh4tsapp-auth-t0ken";
  static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
  static final String SID = "SM1f0e2d3c4b5a69788796a5b4c3d2e1f0";
  static final String MEDIA0 = "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Messages/" + SID
      + "/Media/ME5c4b3a29180f7e6d5c4b3a2918070605";

  private final ConnectorTester tester = ConnectorTester.builder(new TwilioSmsConnector())
      .tenant("acme")
      .publicUrl("https://hub.example.com")
      .value("accountSid", ACCOUNT)
      .value("phoneNumbers", java.util.List.of("+14155238886"))
      .secret("authToken", TOKEN)
      .build();

  /** A WhatsApp text as Twilio posts it, in Twilio's field order. */
  static Map<String, String> text() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("SmsMessageSid", SID);
    f.put("NumMedia", "0");
    f.put("ProfileName", "Zoë Q");
    f.put("MessageType", "text");
    f.put("SmsSid", SID);
    f.put("WaId", "447700900123");
    f.put("SmsStatus", "received");
    f.put("Body", "Hola 👋 is the shop open today?");
    f.put("To", "whatsapp:+14155238886");
    f.put("NumSegments", "1");
    f.put("ReferralNumMedia", "0");
    f.put("MessageSid", SID);
    f.put("AccountSid", ACCOUNT);
    f.put("From", "whatsapp:+447700900123");
    f.put("ApiVersion", "2010-04-01");
    return f;
  }

  private WebhookRequest signed(String endpoint, Map<String, String> fields) {
    String url = tester.url(endpoint);
    return ConnectorTester.form(url, fields, "X-Twilio-Signature", TwilioSignature.sign(TOKEN, url, fields));
  }

  @Test
  void acceptsASignedTextAndStripsTheWhatsAppPrefix() {
    WebhookResult r = tester.post("whatsapp", signed("whatsapp", text()));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("text/xml");
    assertThat(r.body()).isEqualTo(TwilioSmsConnector.EMPTY_TWIML);
    InboundMessage m = r.single();
    assertThat(m.channel()).isEqualTo("whatsapp");
    assertThat(m.providerMessageId()).isEqualTo(SID);
    assertThat(m.from()).isEqualTo("+447700900123");
    assertThat(m.to()).isEqualTo("+14155238886");
    assertThat(m.text()).isEqualTo("Hola 👋 is the shop open today?");
    assertThat(m.media()).isEmpty();
    assertThat(m.attributes())
        .containsEntry("profileName", "Zoë Q")
        .containsEntry("waId", "447700900123")
        .containsEntry("MessageType", "text")
        .containsEntry("AccountSid", ACCOUNT)
        .doesNotContainKeys("ProfileName", "WaId", "From", "To", "Body", "buttonText");
  }

  @Test
  void keepsQuickReplyButtons() {
    Map<String, String> f = text();
    f.put("MessageType", "button");
    f.put("Body", "Yes, book it");
    f.put("ButtonText", "Yes, book it");
    f.put("ButtonPayload", "booking:confirm:4711");
    f.put("OriginalRepliedMessageSender", "whatsapp:+14155238886");
    f.put("OriginalRepliedMessageSid", "MM0a1b2c3d4e5f60718293a4b5c6d7e8f9");

    InboundMessage m = tester.post("whatsapp", signed("whatsapp", f)).single();
    assertThat(m.text()).isEqualTo("Yes, book it");
    assertThat(m.attributes())
        .containsEntry("buttonText", "Yes, book it")
        .containsEntry("buttonPayload", "booking:confirm:4711")
        .containsEntry("MessageType", "button")
        .containsEntry("OriginalRepliedMessageSid", "MM0a1b2c3d4e5f60718293a4b5c6d7e8f9");
  }

  @Test
  void readsMediaLikeMms() {
    Map<String, String> f = text();
    f.put("NumMedia", "1");
    f.put("MessageType", "image");
    f.put("Body", "receipt attached");
    f.put("MediaContentType0", "image/jpeg");
    f.put("MediaUrl0", MEDIA0);

    InboundMessage m = tester.post("whatsapp", signed("whatsapp", f)).single();
    assertThat(m.media()).containsExactly(new InboundMessage.Media(MEDIA0, "image/jpeg"));
    assertThat(m.text()).isEqualTo("receipt attached");

    Map<String, String> missing = new LinkedHashMap<>(f);
    missing.put("MessageSid", "SM" + "9".repeat(32));
    missing.put("SmsMessageSid", missing.get("MessageSid"));
    missing.put("SmsSid", missing.get("MessageSid"));
    missing.remove("MediaUrl0");
    WebhookResult refused = tester.post("whatsapp", signed("whatsapp", missing));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.message()).contains("MediaUrl0");
  }

  @Test
  void refusesABadSignatureWith403() {
    String url = tester.url("whatsapp");
    WebhookRequest wrongToken = ConnectorTester.form(url, text(), "X-Twilio-Signature",
        TwilioSignature.sign("another-account-token", url, text()));
    WebhookResult r = refused(tester.post("whatsapp", wrongToken), 403, "invalid_signature");
    assertThat(r.message()).doesNotContain(TOKEN);

    // signed for the sms endpoint, posted to whatsapp: the URL is part of the signature
    WebhookResult moved = tester.post("whatsapp", ConnectorTester.form(url, text(), "X-Twilio-Signature",
        TwilioSignature.sign(TOKEN, tester.url("sms"), text())));
    assertThat(moved.status()).isEqualTo(403);

    WebhookResult unsigned = refused(tester.post("whatsapp", ConnectorTester.form(url, text())), 403, "missing_signature");
  }

  @Test
  void refusesMalformedBodiesWith400() {
    String url = tester.url("whatsapp");
    String broken = "MessageSid=" + SID + "&From=whatsapp%3A%2B447700900123&Body=%E2%82";
    // the signature is over the decoded fields, so a body that does not decode is refused before it
    WebhookResult r = refused(tester.post("whatsapp", ConnectorTester.raw(url, Requests.FORM, broken,
        "X-Twilio-Signature", "c2lnbmF0dXJl")), 400, "malformed_form");

    Map<String, String> noFrom = text();
    noFrom.remove("From");
    WebhookResult missing = refused(tester.post("whatsapp", signed("whatsapp", noFrom)), 400, "missing_field");
  }

  @Test
  void refusesMessagesPostedToTheOtherChannelsEndpoint() {
    WebhookResult onSms = refused(tester.post("sms", signed("sms", text())), 400, "wrong_endpoint");
    assertThat(onSms.message()).contains("twilio/whatsapp");

    Map<String, String> sms = text();
    sms.put("From", "+447700900123");
    sms.put("To", "+14155238886");
    WebhookResult onWhatsApp = refused(tester.post("whatsapp", signed("whatsapp", sms)), 400, "wrong_endpoint");
    assertThat(onWhatsApp.message()).contains("twilio/sms");
  }

  @Test
  void simulatesAWhatsAppMessageThatTakesTheProductionPath() throws Exception {
    WebhookRequest request = tester.simulatedRequest(new io.switchboard.api.SimulatedMessage("whatsapp",
        tester.url("whatsapp"), "+447700900123", null, "hi from the simulator"));
    String body = new String(request.body(), StandardCharsets.UTF_8);
    assertThat(body).contains("From=whatsapp%3A%2B447700900123", "To=whatsapp%3A%2B14155238886", "WaId=447700900123");

    WebhookResult r = tester.simulate("whatsapp", "whatsapp:+447700900123", "hi from the simulator");
    assertThat(r.status()).isEqualTo(200);
    InboundMessage m = r.single();
    assertThat(m.channel()).isEqualTo("whatsapp");
    assertThat(m.from()).isEqualTo("+447700900123");
    assertThat(m.to()).isEqualTo("+14155238886");
    assertThat(m.text()).isEqualTo("hi from the simulator");
    assertThat(m.attributes()).containsEntry("waId", "447700900123").containsKey("profileName");
  }

  private static WebhookResult refused(WebhookResult r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.messages()).isEmpty();
    return r;
  }

  @Test
  void findsTheEndpointInTheUrl() {
    assertThat(TwilioSmsConnector.endpointOf("https://h/webhooks/a/twilio/whatsapp")).isEqualTo("whatsapp");
    assertThat(TwilioSmsConnector.endpointOf("https://h/webhooks/a/twilio/sms/?x=/y#z")).isEqualTo("sms");
    assertThat(TwilioSmsConnector.endpointOf("https://mycompany.com/myapp.php?foo=1")).isEqualTo("myapp.php");
  }
}
