package io.switchboard.plugins.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.InboundMessage;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.WebhookResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The status endpoint through the test kit, with the fields of Twilio's message status callback
 * (SmsSid, SmsStatus, MessageStatus, To, MessagingServiceSid, MessageSid, AccountSid, From,
 * ApiVersion; ErrorCode on failures; ChannelPrefix, ChannelToAddress and EventType for WhatsApp).
 */
class TwilioDeliveryStatusTest {

  static final String TOKEN = "st4tus-auth-t0ken-42";
  static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
  static final String SID = "SM1234567890abcdef1234567890abcdef";

  private final ConnectorTester tester = ConnectorTester.builder(new TwilioSmsConnector())
      .tenant("acme")
      .publicUrl("https://hub.example.com")
      .value("accountSid", ACCOUNT)
      .value("phoneNumbers", List.of("+15550006000"))
      .secret("authToken", TOKEN)
      .build();

  static Map<String, String> sms(String status) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("SmsSid", SID);
    f.put("SmsStatus", status);
    f.put("MessageStatus", status);
    f.put("To", "+447700900123");
    f.put("MessagingServiceSid", "MG0123456789abcdef0123456789abcdef");
    f.put("MessageSid", SID);
    f.put("AccountSid", ACCOUNT);
    f.put("From", "+15550006000");
    f.put("ApiVersion", "2010-04-01");
    return f;
  }

  private WebhookResult post(Map<String, String> fields) {
    String url = tester.url("status");
    return tester.post("status", ConnectorTester.form(url, fields, "X-Twilio-Signature",
        TwilioSignature.sign(TOKEN, url, fields)));
  }

  @Test
  void aDeliveredSmsIsAReceiptForTheMessageSent() {
    WebhookResult r = post(sms("delivered"));

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(TwilioSmsConnector.EMPTY_TWIML);
    InboundMessage m = r.single();
    assertThat(r.queued()).containsExactly(m);
    assertThat(m.kind()).isEqualTo(InboundMessage.Kind.STATUS);
    assertThat(m.channel()).isEqualTo("sms");
    assertThat(m.providerMessageId()).isEqualTo(SID + ":delivered");
    assertThat(m.from()).isEqualTo("+447700900123");
    assertThat(m.attributes())
        .containsEntry(InboundMessage.STATUS_MESSAGE_ID, SID)
        .containsEntry(InboundMessage.STATUS, "delivered")
        .doesNotContainKey(InboundMessage.STATUS_ERROR);
  }

  @Test
  void eachStatusIsStoredOnceAndTheNextOneToo() {
    assertThat(post(sms("sent")).queued()).hasSize(1);
    assertThat(post(sms("sent")).queued()).as("Twilio's retry").isEmpty();
    assertThat(post(sms("delivered")).queued()).hasSize(1);
  }

  @Test
  void aFailureCarriesTwiliosErrorCode() {
    Map<String, String> f = sms("undelivered");
    f.put("ErrorCode", "30003");
    InboundMessage m = post(f).single();
    assertThat(m.attributes())
        .containsEntry(InboundMessage.STATUS, "undelivered")
        .containsEntry(InboundMessage.STATUS_ERROR, "Twilio error 30003 (https://www.twilio.com/docs/api/errors/30003)");
  }

  @Test
  void aWhatsAppReadReceipt() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("ChannelPrefix", "whatsapp");
    f.put("ApiVersion", "2010-04-01");
    f.put("MessageStatus", "read");
    f.put("SmsSid", SID);
    f.put("SmsStatus", "read");
    f.put("ChannelInstallSid", "XE0123456789abcdef0123456789abcdef");
    f.put("To", "whatsapp:+447700900123");
    f.put("From", "whatsapp:+14155238886");
    f.put("MessageSid", SID);
    f.put("StructuredMessage", "false");
    f.put("AccountSid", ACCOUNT);
    f.put("ChannelToAddress", "+447700900XXX");
    f.put("EventType", "READ");
    InboundMessage m = post(f).single();
    assertThat(m.channel()).isEqualTo("whatsapp");
    assertThat(m.from()).isEqualTo("+447700900123");
    assertThat(m.providerMessageId()).isEqualTo(SID + ":read");
  }

  @Test
  void refusesBadSignaturesAndMalformedCallbacks() {
    String url = tester.url("status");
    WebhookResult wrong = tester.post("status", ConnectorTester.form(url, sms("delivered"), "X-Twilio-Signature",
        TwilioSignature.sign("another-token", url, sms("delivered"))));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.code()).isEqualTo("invalid_signature");
    assertThat(wrong.queued()).isEmpty();

    for (String field : List.of("MessageSid", "MessageStatus", "To")) {
      Map<String, String> f = sms("delivered");
      f.remove(field);
      f.remove(field.replace("Message", "Sms"));
      WebhookResult r = post(f);
      assertThat(r.status()).as(field).isEqualTo(400);
      assertThat(r.code()).isEqualTo("missing_field");
      assertThat(r.message()).contains(field);
      assertThat(r.queued()).isEmpty();
    }
    WebhookResult odd = post(sms("Delivered <b>"));
    assertThat(odd.status()).isEqualTo(400);
    assertThat(odd.code()).isEqualTo("invalid_field");
  }
}
