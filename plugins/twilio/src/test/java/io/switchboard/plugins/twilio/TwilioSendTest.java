package io.switchboard.plugins.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.FormData;
import io.switchboard.api.OutboundMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.testkit.TestPluginContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * send() against a local server speaking the Messages API's wire format: form-encoded requests
 * with Basic auth, {@code 201} message resources, {@code {code, message, more_info, status}} errors.
 */
class TwilioSendTest {

  static final String ACME_SID = "AC0123456789abcdef0123456789abcdef";
  static final String ACME_TOKEN = "acme-auth-token-0123";
  static final String GLOBEX_SID = "ACfedcba9876543210fedcba9876543210";
  static final String GLOBEX_TOKEN = "globex-auth-token-987";

  /** What the stub received. */
  record Received(String method, String path, String authorization, String contentType, Map<String, List<String>> form) {}

  private HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile int answerStatus = 201;
  private volatile String answerBody;
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean hang;
  private TwilioSmsConnector connector;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    connector = connector("10000");
  }

  /** The connector against the stub, with this request timeout (ms). */
  private TwilioSmsConnector connector(String timeoutMs) {
    return new TwilioSmsConnector(new TestPluginContext("twilio")
        .config("api-base-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/")
        .config("request-timeout-ms", timeoutMs));
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private void answer(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    Map<String, List<String>> form;
    try {
      form = FormData.parse(body);
    } catch (WebhookException e) {
      form = Map.of();
    }
    received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().getRawPath(),
        ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("Content-Type"), form));
    if (hang) {
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    String account = ex.getRequestURI().getPath().split("/")[3];
    String json = answerBody != null ? answerBody : """
        {"account_sid": "%s", "api_version": "2010-04-01", "body": "%s", "date_created": "Thu, 24 Aug 2023 05:01:45 +0000",
         "date_sent": null, "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000", "direction": "outbound-api",
         "error_code": null, "error_message": null, "from": "%s", "messaging_service_sid": null, "num_media": "0",
         "num_segments": "0", "price": null, "price_unit": null, "sid": "SM1234567890abcdef1234567890abcdef",
         "status": "queued", "subresource_uris": {"media": "/2010-04-01/Accounts/%s/Messages/SM1234567890abcdef1234567890abcdef/Media.json"},
         "to": "%s", "uri": "/2010-04-01/Accounts/%s/Messages/SM1234567890abcdef1234567890abcdef.json"}"""
        .formatted(account, FormData.first(form, "Body"), FormData.first(form, "From"), account,
            FormData.first(form, "To"), account);
    byte[] out = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(answerStatus, out.length);
    ex.getResponseBody().write(out);
    ex.close();
  }

  static ChannelSettings tenant(String id, String accountSid, String token, String... numbers) {
    return new ChannelSettings(id, Map.of("accountSid", accountSid, "phoneNumbers", List.of(numbers)),
        Map.of("authToken", token));
  }

  static OutboundMessage message(String channel, String to, String from, String text, List<String> media) {
    return new OutboundMessage(channel, to, from, text, media, "8d5e6f2a-action", Map.of());
  }

  static String basic(String sid, String token) {
    return "Basic " + Base64.getEncoder().encodeToString((sid + ":" + token).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void sendsAnSmsWithTheTenantsAccount() throws Exception {
    OutboundMessage.Sent sent = connector.send(message("sms", "+14155550123", "+15550006000", "Thanks, see you at 5!",
        List.of()), tenant("acme", ACME_SID, ACME_TOKEN, "+15550006000"));

    assertThat(sent).isEqualTo(new OutboundMessage.Sent("SM1234567890abcdef1234567890abcdef", "queued"));
    Received r = received.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/2010-04-01/Accounts/" + ACME_SID + "/Messages.json");
    assertThat(r.authorization()).isEqualTo(basic(ACME_SID, ACME_TOKEN));
    assertThat(r.contentType()).isEqualTo("application/x-www-form-urlencoded");
    assertThat(r.form()).containsExactly(
        Map.entry("To", List.of("+14155550123")),
        Map.entry("From", List.of("+15550006000")),
        Map.entry("Body", List.of("Thanks, see you at 5!")));
  }

  @Test
  void sendsWhatsAppWithPrefixedAddressesMediaAndTheDefaultFrom() throws Exception {
    connector.send(message("whatsapp", "+447700900123", null, "Your receipt, Zoë 🧾",
        List.of("https://cdn.example.com/r/1.pdf", "https://cdn.example.com/r/2.png")),
        tenant("acme", ACME_SID, ACME_TOKEN, "+14155238886", "+15550006000"));

    Map<String, List<String>> form = received.get(0).form();
    assertThat(form.get("To")).containsExactly("whatsapp:+447700900123");
    assertThat(form.get("From")).containsExactly("whatsapp:+14155238886");
    assertThat(form.get("Body")).containsExactly("Your receipt, Zoë 🧾");
    assertThat(form.get("MediaUrl")).containsExactly("https://cdn.example.com/r/1.pdf", "https://cdn.example.com/r/2.png");

    // addresses already written the Twilio way are not prefixed twice
    connector.send(message("whatsapp", "whatsapp:+447700900123", "whatsapp:+14155238886", "again", List.of()),
        tenant("acme", ACME_SID, ACME_TOKEN, "+14155238886"));
    assertThat(received.get(1).form().get("To")).containsExactly("whatsapp:+447700900123");
    assertThat(received.get(1).form().get("From")).containsExactly("whatsapp:+14155238886");
  }

  @Test
  void asksForStatusCallbacksWhenTheTenantSaysWhere() throws Exception {
    String callback = "https://hub.example.com/webhooks/acme/twilio/status";
    ChannelSettings withCallback = new ChannelSettings("acme", Map.of("accountSid", ACME_SID,
        "phoneNumbers", List.of("+15550006000"), "statusCallbackUrl", callback), Map.of("authToken", ACME_TOKEN));
    connector.send(message("sms", "+14155550123", null, "hi", List.of()), withCallback);
    assertThat(received.get(0).form().get("StatusCallback")).containsExactly(callback);

    ChannelSettings broken = new ChannelSettings("acme", Map.of("accountSid", ACME_SID,
        "phoneNumbers", List.of("+15550006000"), "statusCallbackUrl", "/webhooks/acme/twilio/status"),
        Map.of("authToken", ACME_TOKEN));
    IllegalStateException e = catchThrowableOfType(IllegalStateException.class,
        () -> connector.send(message("sms", "+14155550123", null, "hi", List.of()), broken));
    assertThat(e).hasMessageContaining("statusCallbackUrl").hasMessageContaining("/webhooks/acme/twilio/status");
    assertThat(received).as("nothing sent with a broken callback").hasSize(1);
  }

  @Test
  void eachTenantSendsWithItsOwnCredentials() throws Exception {
    connector.send(message("sms", "+14155550123", null, "a", List.of()), tenant("acme", ACME_SID, ACME_TOKEN, "+15550006000"));
    connector.send(message("sms", "+14155550123", null, "b", List.of()), tenant("globex", GLOBEX_SID, GLOBEX_TOKEN, "+15550007000"));
    connector.send(message("sms", "+14155550123", null, "c", List.of()), tenant("acme", ACME_SID, ACME_TOKEN, "+15550006000"));

    assertThat(received).extracting(Received::authorization).containsExactly(
        basic(ACME_SID, ACME_TOKEN), basic(GLOBEX_SID, GLOBEX_TOKEN), basic(ACME_SID, ACME_TOKEN));
    assertThat(received.get(1).path()).contains(GLOBEX_SID);
    assertThat(received.get(1).form().get("From")).containsExactly("+15550007000");
  }

  @Test
  void mapsTwiliosErrorsToWebhookExceptions() {
    answerStatus = 400;
    answerBody = """
        {"code": 21211, "message": "The 'To' number +1555 is not a valid phone number.",
         "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}""";
    WebhookException e = catchThrowableOfType(WebhookException.class, () -> connector.send(
        message("sms", "+1555", null, "hi", List.of()), tenant("acme", ACME_SID, ACME_TOKEN, "+15550006000")));

    assertThat(e).isNotNull();
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("twilio_21211");
    assertThat(e.getMessage())
        .contains("The 'To' number +1555 is not a valid phone number.", "21211", "https://www.twilio.com/docs/errors/21211")
        .doesNotContain(ACME_TOKEN);

    answerStatus = 401;
    answerBody = """
        {"code": 20003, "message": "Authenticate", "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}""";
    WebhookException auth = catchThrowableOfType(WebhookException.class, () -> connector.send(
        message("sms", "+14155550123", null, "hi", List.of()), tenant("acme", ACME_SID, ACME_TOKEN, "+15550006000")));
    assertThat(auth.status()).isEqualTo(401);
    assertThat(auth.getMessage()).contains("Authenticate").doesNotContain(ACME_TOKEN);

    answerStatus = 503;
    answerBody = "<html>Service Unavailable</html>";
    WebhookException down = catchThrowableOfType(WebhookException.class, () -> connector.send(
        message("sms", "+14155550123", null, "hi", List.of()), tenant("acme", ACME_SID, ACME_TOKEN, "+15550006000")));
    assertThat(down.status()).isEqualTo(503);
    assertThat(down.code()).isEqualTo("twilio_http_503");
  }

  @Test
  void timesOutAfterTheRequestTimeout() {
    hang = true;
    TwilioSmsConnector impatient = connector("500");
    UncheckedIOException e = catchThrowableOfType(UncheckedIOException.class, () -> impatient.send(
        message("sms", "+14155550123", null, "hi", List.of()), tenant("acme", ACME_SID, ACME_TOKEN, "+15550006000")));

    assertThat(e).isNotNull();
    assertThat(e.getCause()).isInstanceOf(HttpTimeoutException.class);
    assertThat(e.getMessage()).contains("500 ms", "twice").doesNotContain(ACME_TOKEN);
  }

  @Test
  void refusesWhatItCannotSendWithoutCallingTwilio() {
    WebhookException channel = catchThrowableOfType(WebhookException.class, () -> connector.send(
        message("email", "a@b.c", null, "hi", List.of()), tenant("acme", ACME_SID, ACME_TOKEN, "+15550006000")));
    assertThat(channel.status()).isEqualTo(400);
    assertThat(channel.code()).isEqualTo("unsupported_channel");

    WebhookException empty = catchThrowableOfType(WebhookException.class, () -> connector.send(
        message("sms", "+14155550123", null, "", List.of()), tenant("acme", ACME_SID, ACME_TOKEN, "+15550006000")));
    assertThat(empty.code()).isEqualTo("empty_message");

    ChannelSettings noNumbers = new ChannelSettings("acme", Map.of("accountSid", ACME_SID), Map.of("authToken", ACME_TOKEN));
    IllegalStateException from = catchThrowableOfType(IllegalStateException.class, () -> connector.send(
        message("sms", "+14155550123", null, "hi", List.of()), noNumbers));
    assertThat(from).hasMessageContaining("phoneNumbers");

    ChannelSettings noToken = new ChannelSettings("acme", Map.of("accountSid", ACME_SID, "phoneNumbers", "+15550006000"), Map.of());
    IllegalStateException token = catchThrowableOfType(IllegalStateException.class, () -> connector.send(
        message("sms", "+14155550123", null, "hi", List.of()), noToken));
    assertThat(token).hasMessageContaining("authToken");
    assertThat(received).isEmpty();
  }

  @Test
  void readsItsSettings() {
    TwilioMessagesApi defaults = TwilioMessagesApi.from(new TestPluginContext("twilio"));
    assertThat(defaults.baseUrl()).isEqualTo("https://api.twilio.com");
    assertThat(defaults.timeout()).isEqualTo(TwilioMessagesApi.DEFAULT_TIMEOUT);
    assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> TwilioMessagesApi.from(
        new TestPluginContext("twilio").config("request-timeout-ms", "soon")))).hasMessageContaining("request-timeout-ms");
    assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> TwilioMessagesApi.from(
        new TestPluginContext("twilio").config("api-base-url", "ftp://x")))).hasMessageContaining("api-base-url");
  }
}
