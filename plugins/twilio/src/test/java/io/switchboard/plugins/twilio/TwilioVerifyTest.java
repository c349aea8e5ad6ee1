package io.switchboard.plugins.twilio;

import static io.switchboard.plugins.twilio.Requests.form;
import static io.switchboard.plugins.twilio.Requests.post;
import static io.switchboard.plugins.twilio.Requests.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.api.ChannelSettings;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * verify() against Twilio's published vectors: twilio-java's RequestValidatorTest (token 12345) and
 * the "Validating signatures from Twilio" documentation examples.
 */
class TwilioVerifyTest {

  static final String TOKEN = "12345";
  static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
  static final String SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
  static final String JSON = "{\"property\": \"value\", \"boolean\": true}";
  static final String JSON_SHA256 = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

  private final TwilioSmsConnector connector = new TwilioSmsConnector();
  private final ChannelSettings settings = settings(TOKEN);

  static Map<String, String> params(String caller) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("CallSid", "CA1234567890ABCDE");
    p.put("Caller", caller);
    p.put("Digits", "1234");
    p.put("From", caller);
    p.put("To", "+18005551212");
    return p;
  }

  static String body() {
    return Requests.encode(params("+14158675309"));
  }

  @Test
  void acceptsThePublishedFormExample() {
    assertThat(body()).contains("Caller=%2B14158675309");
    assertThatCode(() -> connector.verify(form(URL, body(), SIGNATURE), settings)).doesNotThrowAnyException();
  }

  @Test
  void acceptsTheCurrentDocumentationExample() {
    // api-snippets security/signature_validation (3.x), shown on Twilio's webhook security page.
    String body = Requests.encode(params("+14158675310"));
    assertThatCode(() -> connector.verify(form(URL, body, "GvWf1cFY/Q7PnoempGyD5oXAezc="), settings))
        .doesNotThrowAnyException();
  }

  @Test
  void headerNameIsCaseInsensitiveAndCharsetParameterIsAccepted() {
    WebhookRequest r = new WebhookRequest("POST", URL,
        Map.of("content-type", "application/x-www-form-urlencoded; charset=UTF-8", "x-twilio-signature", SIGNATURE),
        body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThatCode(() -> connector.verify(r, settings)).doesNotThrowAnyException();
  }

  /** Twilio may sign with or without the default port; the SDK accepts both forms of the URL. */
  @ParameterizedTest(name = "{0} signed {1}")
  @CsvSource({
      // signed without a port, received with the default port
      "https://mycompany.com:443/myapp.php?foo=1&bar=2, RSOYDt4T1cUTdK1PDd93/VVr8B8=",
      // signed with :443 (twilio-java testValidateAddsPortHttps), received without
      "https://mycompany.com/myapp.php?foo=1&bar=2, kvajT1Ptam85bY51eRf/AJRuM3w=",
      // signed with :80 (testValidateAddsPortHttp), received without
      "http://mycompany.com/myapp.php?foo=1&bar=2, 0ZXoZLH/DfblKGATFgpif+LLRf4=",
      // testValidateRemovesPortHttps / testValidateRemovesPortHttp
      "https://mycompany.com:1234/myapp.php?foo=1&bar=2, RSOYDt4T1cUTdK1PDd93/VVr8B8=",
      "http://mycompany.com:1234/myapp.php?foo=1&bar=2, Zmvh+3yNM1Phv2jhDCwEM3q5ebU=",
  })
  void handlesPortsAsTheSdkDoes(String url, String signature) {
    assertThatCode(() -> connector.verify(form(url, body(), signature), settings)).doesNotThrowAnyException();
  }

  @Test
  void acceptsJsonBodiesSignedWithBodySha256() {
    WebhookRequest r = post(URL + "&bodySHA256=" + JSON_SHA256, "application/json", JSON, "a9nBmqA0ju/hNViExpshrM61xv4=");
    assertThatCode(() -> connector.verify(r, settings)).doesNotThrowAnyException();

    WebhookRequest alone = post("https://mycompany.com/myapp.php?bodySHA256=" + JSON_SHA256, "application/json",
        JSON, "y77kIzt2vzLz71DgmJGsen2scGs=");
    assertThatCode(() -> connector.verify(alone, settings)).doesNotThrowAnyException();
  }

  @Test
  void refusesJsonBodiesThatDoNotMatchTheirHash() {
    WebhookRequest r = post(URL + "&bodySHA256=" + JSON_SHA256, "application/json",
        JSON.replace("true", "false"), "a9nBmqA0ju/hNViExpshrM61xv4=");
    WebhookException e = refused(r, settings);
    assertThat(e.status()).isEqualTo(403);
    assertThat(e.code()).isEqualTo("invalid_signature");
    assertThat(e.getMessage()).contains("bodySHA256");
  }

  @Test
  void refusesJsonBodiesWithAWrongSignature() {
    WebhookRequest r = post(URL + "&bodySHA256=" + JSON_SHA256, "application/json", JSON, SIGNATURE);
    WebhookException e = refused(r, settings);
    assertThat(e.code()).isEqualTo("invalid_signature");
    assertThat(e.getMessage()).contains("switchboard.public-url");
  }

  @Test
  void refusesJsonBodiesWithoutBodySha256() {
    WebhookException e = refused(post(URL, "application/json", JSON, SIGNATURE), settings);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("unsupported_media_type");
    assertThat(e.getMessage()).contains("application/x-www-form-urlencoded");
  }

  @Test
  void refusesAWrongSignatureWithoutLeakingSecrets() {
    WebhookException e = refused(form(URL, body(), "NOTRSOYDt4T1cUTdK1PDd93/VVr8B8="), settings);
    assertThat(e.status()).isEqualTo(403);
    assertThat(e.code()).isEqualTo("invalid_signature");
    assertThat(e.getMessage())
        .contains("X-Twilio-Signature", "switchboard.public-url", URL)
        .doesNotContain(TOKEN)
        .doesNotContain(SIGNATURE);
  }

  @Test
  void refusesTheRightSignatureWithAnotherToken() {
    WebhookException e = refused(form(URL, body(), SIGNATURE), settings("54321"));
    assertThat(e.code()).isEqualTo("invalid_signature");
  }

  @Test
  void refusesTamperedAddedAndRepeatedFields() {
    assertThat(refused(form(URL, body().replace("Digits=1234", "Digits=9999"), SIGNATURE), settings).code())
        .isEqualTo("invalid_signature");
    assertThat(refused(form(URL, body() + "&Body=hi", SIGNATURE), settings).code())
        .isEqualTo("invalid_signature");
    WebhookException repeated = refused(form(URL, body() + "&Digits=1234", SIGNATURE), settings);
    assertThat(repeated.code()).isEqualTo("invalid_signature");
    assertThat(repeated.getMessage()).contains("Digits");
  }

  @Test
  void refusesAnotherUrl() {
    assertThat(refused(form(URL.replace("foo=1", "foo=2"), body(), SIGNATURE), settings).code())
        .isEqualTo("invalid_signature");
  }

  @Test
  void requiresTheSignatureHeader() {
    for (String missing : new String[] {null, "", "  "}) {
      WebhookException e = refused(form(URL, body(), missing), settings);
      assertThat(e.status()).isEqualTo(403);
      assertThat(e.code()).isEqualTo("missing_signature");
      assertThat(e.getMessage()).contains("X-Twilio-Signature").contains("required");
    }
  }

  @Test
  void failsClosedWhenTheTenantHasNoAuthToken() {
    ChannelSettings none = new ChannelSettings("acme", Map.of(), Map.of());
    WebhookException e = refused(form(URL, body(), SIGNATURE), none);
    assertThat(e.status()).isEqualTo(403);
    assertThat(e.code()).isEqualTo("auth_token_not_configured");
    assertThat(e.getMessage()).contains("acme", "channels.twilio.secrets.authToken");
  }

  @Test
  void malformedFormBodiesAreBadRequests() {
    WebhookException e = refused(form(URL, "Body=%E2%82", SIGNATURE), settings);
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("malformed_form");
  }

  @Test
  void findsQueryParameters() {
    assertThat(TwilioSmsConnector.queryParameter(URL + "&bodySHA256=ab", "bodySHA256")).isEqualTo("ab");
    assertThat(TwilioSmsConnector.queryParameter(URL, "bodySHA256")).isNull();
    assertThat(TwilioSmsConnector.queryParameter("https://x.test/p", "bodySHA256")).isNull();
    assertThat(TwilioSmsConnector.queryParameter("https://x.test/p?xbodySHA256=1#bodySHA256=2", "bodySHA256")).isNull();
  }

  private WebhookException refused(WebhookRequest r, ChannelSettings s) {
    WebhookException e = catchThrowableOfType(WebhookException.class, () -> connector.verify(r, s));
    assertThat(e).as("verify() should refuse the request").isNotNull();
    return e;
  }
}
