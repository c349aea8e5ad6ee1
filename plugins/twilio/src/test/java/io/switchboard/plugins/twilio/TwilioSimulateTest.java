package io.switchboard.plugins.twilio;

import static io.switchboard.plugins.twilio.Requests.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.twilio.security.RequestValidator;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.FormData;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** simulate() builds requests that the connector itself, and the Twilio SDK, accept. */
class TwilioSimulateTest {

  static final String TOKEN = "s3cr3t-tw1l10-t0ken";
  static final String URL = "https://hub.example.com/webhooks/acme/twilio/sms";
  static final String TEXT = "Hello + welcome & thanks, 100% 👋";

  private final TwilioSmsConnector connector = new TwilioSmsConnector();
  private final ChannelSettings settings = settings(TOKEN);

  @Test
  void buildsARequestThatPassesVerifyAndParse() throws Exception {
    WebhookRequest r = connector.simulate(new SimulatedMessage("sms", URL, "+447700900123", null, TEXT), settings);

    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.url()).isEqualTo(URL);
    assertThat(r.mediaType()).isEqualTo("application/x-www-form-urlencoded");
    assertThat(r.header("User-Agent")).isEqualTo("TwilioProxy/1.1");
    assertThat(r.header("I-Twilio-Idempotency-Token")).isNotBlank();
    assertThat(r.header("X-Twilio-Signature")).isNotBlank();

    connector.verify(r, settings);
    List<InboundMessage> messages = connector.parse(r, settings);
    assertThat(messages).hasSize(1);
    InboundMessage m = messages.get(0);
    assertThat(m.providerMessageId()).matches("SM[0-9a-f]{32}");
    assertThat(m.from()).isEqualTo("+447700900123");
    assertThat(m.to()).isEqualTo("+15550006000");
    assertThat(m.text()).isEqualTo(TEXT);
    assertThat(m.media()).isEmpty();
    assertThat(m.attributes())
        .containsEntry("AccountSid", "AC0123456789abcdef0123456789abcdef")
        .containsEntry("FromCountry", "GB")
        .containsEntry("ToCountry", "US")
        .containsEntry("SmsStatus", "received")
        .containsEntry("NumSegments", "1")
        .containsEntry("ApiVersion", "2010-04-01");

    Map<String, List<String>> form = r.form();
    assertThat(FormData.first(form, "SmsSid")).isEqualTo(m.providerMessageId());
    assertThat(FormData.first(form, "SmsMessageSid")).isEqualTo(m.providerMessageId());
    assertThat(FormData.first(form, "NumMedia")).isEqualTo("0");
    assertThat(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("From=%2B447700900123", "Body=Hello+%2B+welcome+%26+thanks%2C+100%25+%F0%9F%91%8B");
  }

  @Test
  void isSignedAsTheSdkExpects() throws Exception {
    WebhookRequest r = connector.simulate(new SimulatedMessage("sms", URL, "+14155550123", "+15550009999", "hi"),
        settings);
    Map<String, String> params = new LinkedHashMap<>();
    r.form().forEach((k, v) -> params.put(k, v.get(0)));
    assertThat(params).containsEntry("To", "+15550009999");
    assertThat(new RequestValidator(TOKEN).validate(URL, params, r.header("X-Twilio-Signature"))).isTrue();
  }

  @Test
  void failsVerifyWithAnotherToken() {
    WebhookRequest r = connector.simulate(new SimulatedMessage("sms", URL, "+14155550123", null, "hi"), settings);
    WebhookException e = catchThrowableOfType(WebhookException.class, () -> connector.verify(r, settings("other")));
    assertThat(e).isNotNull();
    assertThat(e.status()).isEqualTo(403);
    assertThat(e.code()).isEqualTo("invalid_signature");
    assertThat(e.getMessage()).doesNotContain(TOKEN).doesNotContain(r.header("X-Twilio-Signature"));
  }

  @Test
  void failsVerifyAtAnotherUrl() {
    WebhookRequest r = connector.simulate(new SimulatedMessage("sms", URL, "+14155550123", null, "hi"), settings);
    WebhookRequest moved = new WebhookRequest("POST", URL.replace("acme", "other"), r.headers(), r.body());
    assertThatThrownBy(() -> connector.verify(moved, settings)).isInstanceOf(WebhookException.class);
  }

  @Test
  void generatesFreshIdsAndAnAccountSidWhenNoneIsConfigured() throws Exception {
    ChannelSettings bare = new ChannelSettings("acme", Map.of("phoneNumbers", "+15550006000"), Map.of("authToken", TOKEN));
    WebhookRequest a = connector.simulate(new SimulatedMessage("sms", URL, "+14155550123", null, "a"), bare);
    WebhookRequest b = connector.simulate(new SimulatedMessage("sms", URL, "+14155550123", null, "b"), bare);
    assertThat(FormData.first(a.form(), "AccountSid")).matches("AC[0-9a-f]{32}");
    assertThat(FormData.first(a.form(), "MessageSid")).isNotEqualTo(FormData.first(b.form(), "MessageSid"));
    assertThatCode(() -> connector.verify(a, bare)).doesNotThrowAnyException();
  }

  @Test
  void needsAToNumberAndAnAuthToken() {
    ChannelSettings noNumbers = new ChannelSettings("acme", Map.of(), Map.of("authToken", TOKEN));
    assertThatThrownBy(() -> connector.simulate(new SimulatedMessage("sms", URL, "+14155550123", null, "x"), noNumbers))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("phoneNumbers");
    ChannelSettings noToken = new ChannelSettings("acme", Map.of("phoneNumbers", "+15550006000"), Map.of());
    assertThatThrownBy(() -> connector.simulate(new SimulatedMessage("sms", URL, "+14155550123", null, "x"), noToken))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("authToken");
    assertThatThrownBy(() -> connector.simulate(new SimulatedMessage("status", URL, "+14155550123", null, "x"), settings))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("status")
        .hasMessageContaining("voice-transcription");
  }

  @Test
  void signerMatchesTwiliosPublishedVectors() {
    Map<String, String> params = TwilioVerifyTest.params("+14158675309");
    assertThat(TwilioSignature.sign("12345", TwilioVerifyTest.URL, params)).isEqualTo("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    assertThat(TwilioSignature.sign("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", params))
        .isEqualTo("kvajT1Ptam85bY51eRf/AJRuM3w=");
    assertThat(TwilioSignature.sign("12345", "https://mycompany.com/myapp.php?bodySHA256="
        + TwilioVerifyTest.JSON_SHA256, Map.of())).isEqualTo("y77kIzt2vzLz71DgmJGsen2scGs=");
  }

  @Test
  void mapsCallingCodesToCountries() {
    assertThat(TwilioSmsConnector.country("+14155550123")).isEqualTo("US");
    assertThat(TwilioSmsConnector.country("+353861234567")).isEqualTo("IE");
    assertThat(TwilioSmsConnector.country("+33612345678")).isEqualTo("FR");
    assertThat(TwilioSmsConnector.country("+999")).isEmpty();
    assertThat(TwilioSmsConnector.country("whatsapp:+1")).isEmpty();
  }
}
