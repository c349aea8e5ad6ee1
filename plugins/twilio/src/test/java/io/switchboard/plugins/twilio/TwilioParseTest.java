package io.switchboard.plugins.twilio;

import static io.switchboard.plugins.twilio.Requests.form;
import static io.switchboard.plugins.twilio.Requests.post;
import static io.switchboard.plugins.twilio.Requests.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** parse() and acknowledge() on the bodies Twilio posts for inbound SMS and MMS. */
class TwilioParseTest {

  static final String URL = "https://hub.example.com/webhooks/acme/twilio/sms";
  static final String SID = "SM3c5b0e0c1a2d4e6f8091a2b3c4d5e6f7";
  static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
  static final String MEDIA0 = "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Messages/" + SID
      + "/Media/ME0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  static final String MEDIA1 = "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Messages/" + SID
      + "/Media/ME9f8e7d6c5b4a39281706f5e4d3c2b1a0";

  /** An inbound MMS as Twilio posts it, in Twilio's field order and encoding. */
  static final String TWILIO_BODY = "ToCountry=US&ToState=CA&SmsMessageSid=" + SID + "&NumMedia=2"
      + "&ToCity=SAN+FRANCISCO&FromZip=94105&SmsSid=" + SID + "&FromState=CA&SmsStatus=received"
      + "&FromCity=SAN+FRANCISCO&Body=Caf%C3%A9+photos+%F0%9F%93%B8+attached%21+1%2B1%3D2&FromCountry=US"
      + "&To=%2B15550006000"
      + "&MediaContentType0=image%2Fjpeg&MediaUrl0=" + enc(MEDIA0)
      + "&MediaContentType1=image%2Fpng&MediaUrl1=" + enc(MEDIA1)
      + "&ToZip=94107&NumSegments=1&MessageSid=" + SID + "&AccountSid=" + ACCOUNT
      + "&From=%2B14155550123&ApiVersion=2010-04-01";

  private final TwilioSmsConnector connector = new TwilioSmsConnector();
  private final ChannelSettings settings = settings("12345");

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void parsesARealisticInboundMms() throws Exception {
    List<InboundMessage> messages = connector.parse(form(URL, TWILIO_BODY, null), settings);

    assertThat(messages).hasSize(1);
    InboundMessage m = messages.get(0);
    assertThat(m.channel()).isEqualTo("sms");
    assertThat(m.providerMessageId()).isEqualTo(SID);
    assertThat(m.from()).isEqualTo("+14155550123");
    assertThat(m.to()).isEqualTo("+15550006000");
    assertThat(m.text()).isEqualTo("Café photos 📸 attached! 1+1=2");
    assertThat(m.media()).containsExactly(
        new InboundMessage.Media(MEDIA0, "image/jpeg"),
        new InboundMessage.Media(MEDIA1, "image/png"));
    assertThat(m.receivedAt()).isNotNull();
    assertThat(m.attributes())
        .containsEntry("AccountSid", ACCOUNT)
        .containsEntry("FromCountry", "US")
        .containsEntry("FromCity", "SAN FRANCISCO")
        .containsEntry("FromState", "CA")
        .containsEntry("FromZip", "94105")
        .containsEntry("ToCountry", "US")
        .containsEntry("ToZip", "94107")
        .containsEntry("NumSegments", "1")
        .containsEntry("SmsStatus", "received")
        .containsEntry("ApiVersion", "2010-04-01")
        .doesNotContainKeys("Body", "From", "To", "MessageSid", "SmsSid", "NumMedia", "MediaUrl0");
  }

  @Test
  void acceptsMediaOnlyMessagesAndMissingMediaContentTypes() throws Exception {
    String body = "MessageSid=" + SID + "&From=%2B14155550123&To=%2B15550006000&Body=&NumMedia=1&MediaUrl0="
        + enc(MEDIA0);
    InboundMessage m = connector.parse(form(URL, body, null), settings).get(0);
    assertThat(m.text()).isEmpty();
    assertThat(m.media()).containsExactly(new InboundMessage.Media(MEDIA0, null));
  }

  @Test
  void fallsBackToSmsMessageSid() throws Exception {
    String body = "SmsMessageSid=" + SID + "&From=%2B14155550123&Body=hi";
    InboundMessage m = connector.parse(form(URL, body, null), settings).get(0);
    assertThat(m.providerMessageId()).isEqualTo(SID);
    assertThat(m.to()).isNull();
    assertThat(m.media()).isEmpty();
  }

  @Test
  void requiresMessageSid() {
    String body = TWILIO_BODY.replaceAll("(MessageSid|SmsMessageSid|SmsSid)=SM[0-9a-f]+&?", "");
    assertThat(body).doesNotContain("MessageSid=", "SmsSid=");
    WebhookException e = refused(form(URL, body, null));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("missing_field");
    assertThat(e.getMessage()).contains("MessageSid");
  }

  @Test
  void requiresFrom() {
    WebhookException e = refused(form(URL, TWILIO_BODY.replace("&From=%2B14155550123", ""), null));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("missing_field");
    assertThat(e.getMessage()).contains("From");
  }

  @Test
  void numMediaMustBeANonNegativeInteger() {
    for (String bad : new String[] {"x", "-1", "1.5", "99999999999"}) {
      WebhookException e = refused(form(URL, TWILIO_BODY.replace("NumMedia=2", "NumMedia=" + bad), null));
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.code()).isEqualTo("invalid_field");
      assertThat(e.getMessage()).contains("NumMedia");
    }
  }

  @Test
  void numMediaMustMatchTheMediaUrls() {
    WebhookException e = refused(form(URL, TWILIO_BODY.replace("NumMedia=2", "NumMedia=3"), null));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains("MediaUrl2");
  }

  @Test
  void refusesOtherContentTypes() {
    for (String type : new String[] {"application/json", "text/plain", null}) {
      WebhookException e = refused(post(URL, type, TWILIO_BODY, null));
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.code()).isEqualTo("unsupported_media_type");
      assertThat(e.getMessage()).contains("application/x-www-form-urlencoded");
    }
  }

  @Test
  void acknowledgesWithEmptyTwiml() throws Exception {
    WebhookRequest r = form(URL, TWILIO_BODY, null);
    WebhookResponse response = connector.acknowledge(r, connector.parse(r, settings));
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).isEqualTo("text/xml");
    assertThat(response.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
    assertThat(connector.acknowledge(r, List.of())).isEqualTo(response);
  }

  @Test
  void identifiesItself() {
    assertThat(connector.id()).isEqualTo("twilio");
    assertThat(connector.endpoints()).containsExactlyInAnyOrder("sms", "whatsapp", "status", "voice", "voice-gather",
        "voice-recording", "voice-transcription", "voice-status");
  }

  private WebhookException refused(WebhookRequest r) {
    WebhookException e = catchThrowableOfType(WebhookException.class, () -> connector.parse(r, settings));
    assertThat(e).as("parse() should refuse the request").isNotNull();
    return e;
  }
}
