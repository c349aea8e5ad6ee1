package io.switchboard.plugins.twilio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.OutboundMessage;
import io.switchboard.api.PluginContext;
import io.switchboard.api.WebhookException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends messages through Twilio's Messages API with each tenant's own account:
 * {@code POST <api-base-url>/2010-04-01/Accounts/<accountSid>/Messages.json}, form fields
 * {@code To}, {@code From}, {@code Body}, one {@code MediaUrl} per attachment and, when the tenant sets
 * {@code channels.twilio.statusCallbackUrl}, {@code StatusCallback}; HTTP Basic auth
 * {@code accountSid:authToken}. WhatsApp addresses get Twilio's {@code whatsapp:} prefix.
 *
 * <p>Plain JDK HTTP rather than the Twilio SDK's REST client: the SDK's usual entry point
 * ({@code Twilio.init}) holds one account for the whole JVM, and its clients cannot be pointed at a
 * test server. Nothing here is global: the credentials travel with each request.
 *
 * <p>Twilio answers {@code 201} with the message resource ({@code sid}, {@code status}), and errors
 * with {@code {code, message, more_info, status}}; those become a {@link WebhookException} with
 * Twilio's HTTP status, code {@code twilio_<code>} and Twilio's message. No answer within the
 * request timeout, or no connection, is an {@link UncheckedIOException}: the hub retries the action.
 *
 * <p>Not idempotent: the Messages API takes no idempotency key, so when Twilio accepted a message
 * but its answer timed out, the hub's at-least-once retry sends the message a second time.
 *
 * <p>The auth token is never logged and never part of an error message. Thread-safe.
 */
final class TwilioMessagesApi {

  static final String DEFAULT_BASE_URL = "https://api.twilio.com";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  /** Plugin setting (hub key {@code switchboard.plugins.twilio.api-base-url}). */
  static final String BASE_URL_SETTING = "api-base-url";
  /** Plugin setting (hub key {@code switchboard.plugins.twilio.request-timeout-ms}). */
  static final String TIMEOUT_SETTING = "request-timeout-ms";

  /** Tenant setting: the StatusCallback URL sent with each message. */
  static final String STATUS_CALLBACK_SETTING = "statusCallbackUrl";

  private static final Logger LOG = LoggerFactory.getLogger(TwilioMessagesApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final Duration timeout;
  private final Function<Duration, HttpClient> clients;
  private volatile HttpClient http;

  TwilioMessagesApi(String baseUrl, Duration timeout, Function<Duration, HttpClient> clients) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeout = timeout;
    this.clients = clients;
  }

  /** Twilio's API with the default timeout and a plain JDK client. */
  static TwilioMessagesApi withDefaults() {
    return new TwilioMessagesApi(DEFAULT_BASE_URL, DEFAULT_TIMEOUT,
        t -> HttpClient.newBuilder().connectTimeout(t).build());
  }

  /** The plugin's settings and the hub's HTTP client. */
  static TwilioMessagesApi from(PluginContext context) {
    Map<String, String> config = context.configuration();
    String baseUrl = config.getOrDefault(BASE_URL_SETTING, "").isBlank() ? DEFAULT_BASE_URL : config.get(BASE_URL_SETTING).trim();
    URI uri = URI.create(baseUrl);
    if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
      throw new IllegalArgumentException("switchboard.plugins.twilio." + BASE_URL_SETTING
          + " must be an http(s) URL, got '" + baseUrl + "'");
    }
    Duration timeout = DEFAULT_TIMEOUT;
    String ms = config.get(TIMEOUT_SETTING);
    if (ms != null && !ms.isBlank()) {
      try {
        timeout = Duration.ofMillis(Long.parseLong(ms.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("switchboard.plugins.twilio." + TIMEOUT_SETTING
            + " must be a number of milliseconds, got '" + ms + "'");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("switchboard.plugins.twilio." + TIMEOUT_SETTING + " must be positive");
      }
    }
    return new TwilioMessagesApi(baseUrl, timeout, context::httpClient);
  }

  String baseUrl() {
    return baseUrl;
  }

  Duration timeout() {
    return timeout;
  }

  /**
   * Sends one message.
   *
   * @throws WebhookException 400 {@code unsupported_channel} or {@code empty_message} before calling
   *     Twilio; Twilio's own status and message when it refuses
   * @throws IllegalStateException when the tenant lacks its accountSid, authToken or a from number
   * @throws UncheckedIOException when Twilio cannot be reached or does not answer in time
   */
  OutboundMessage.Sent send(OutboundMessage message, ChannelSettings settings) throws WebhookException {
    String channel = message.channel();
    if (!TwilioSmsConnector.SMS.equals(channel) && !TwilioSmsConnector.WHATSAPP.equals(channel)) {
      throw WebhookException.badRequest("unsupported_channel", "Twilio sends on channels sms and whatsapp, not '"
          + channel + "'" + (TwilioVoice.CHANNEL.equals(channel) ? ": a call cannot be answered after it happened;"
          + " give voice interactions steps of their own under workflow.channels.voice" : ""));
    }
    if (message.text().isEmpty() && message.mediaUrls().isEmpty()) {
      throw WebhookException.badRequest("empty_message", "a Twilio message needs a text or a media URL");
    }
    String accountSid = settings.value("accountSid").filter(v -> !v.isBlank()).orElseThrow(() ->
        new IllegalStateException("tenant '" + settings.tenantId() + "' has no channels.twilio.accountSid configured"));
    String authToken = settings.requireSecret(TwilioSmsConnector.AUTH_TOKEN);
    String from = message.from() != null && !message.from().isBlank() ? message.from()
        : settings.list("phoneNumbers").stream().findFirst().orElseThrow(() -> new IllegalStateException(
            "tenant '" + settings.tenantId() + "' has no channels.twilio.phoneNumbers to send from"));

    StringBuilder form = new StringBuilder();
    field(form, "To", TwilioSmsConnector.channelAddress(channel, message.to()));
    field(form, "From", TwilioSmsConnector.channelAddress(channel, from));
    field(form, "Body", message.text());
    message.mediaUrls().forEach(url -> field(form, "MediaUrl", url));
    statusCallback(settings).ifPresent(url -> field(form, "StatusCallback", url));

    URI uri = URI.create(baseUrl + "/2010-04-01/Accounts/"
        + URLEncoder.encode(accountSid, StandardCharsets.UTF_8) + "/Messages.json");
    String credentials = Base64.getEncoder()
        .encodeToString((accountSid + ":" + authToken).getBytes(StandardCharsets.UTF_8));
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Authorization", "Basic " + credentials)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .header("User-Agent", "switchboard-twilio")
        .POST(HttpRequest.BodyPublishers.ofString(form.toString()))
        .build();

    HttpResponse<String> response;
    try {
      response = client().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw new UncheckedIOException("Twilio did not answer within " + timeout.toMillis() + " ms for tenant '"
          + settings.tenantId() + "'; the message may have been sent anyway (the Messages API has no idempotency"
          + " key, so a retry can send it twice)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach Twilio at " + baseUrl + " for tenant '" + settings.tenantId()
          + "': " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException("interrupted while sending through Twilio",
          new java.io.InterruptedIOException(e.getMessage()));
    }
    JsonNode body = json(response.body());
    if (response.statusCode() / 100 == 2) {
      String sid = text(body, "sid");
      if (sid == null) {
        throw new UncheckedIOException(new IOException("Twilio answered " + response.statusCode()
            + " without a message sid"));
      }
      String status = text(body, "status");
      LOG.debug("Twilio accepted {} message {} for tenant {}: {}", channel, sid, settings.tenantId(), status);
      return new OutboundMessage.Sent(sid, status);
    }
    throw refusal(response.statusCode(), body, settings);
  }

  /**
   * The tenant's {@code channels.twilio.statusCallbackUrl}: where Twilio posts the message's
   * delivery statuses (the hub's {@code .../webhooks/<tenant>/twilio/status}). Empty when not set:
   * Twilio then reports only to a Messaging Service's own status callback, if any.
   *
   * @throws IllegalStateException when it is not an absolute http(s) URL
   */
  static java.util.Optional<String> statusCallback(ChannelSettings settings) {
    java.util.Optional<String> url = settings.value(STATUS_CALLBACK_SETTING).map(String::trim).filter(v -> !v.isEmpty());
    url.ifPresent(u -> {
      URI uri;
      try {
        uri = URI.create(u);
      } catch (IllegalArgumentException e) {
        uri = null;
      }
      if (uri == null || uri.getHost() == null || (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()))) {
        throw new IllegalStateException("tenant '" + settings.tenantId() + "' has channels.twilio."
            + STATUS_CALLBACK_SETTING + " '" + u + "', which is not an http(s) URL; set it to"
            + " <switchboard.public-url>/webhooks/" + settings.tenantId() + "/twilio/status");
      }
    });
    return url;
  }

  private HttpClient client() {
    HttpClient c = http;
    if (c == null) {
      synchronized (this) {
        c = http;
        if (c == null) {
          c = clients.apply(timeout);
          http = c;
        }
      }
    }
    return c;
  }

  private static WebhookException refusal(int status, JsonNode body, ChannelSettings settings) {
    String code = text(body, "code");
    String reason = text(body, "message");
    String moreInfo = text(body, "more_info");
    StringBuilder message = new StringBuilder("Twilio refused the message for tenant '")
        .append(settings.tenantId()).append("' with HTTP ").append(status);
    if (code != null) {
      message.append(", error ").append(code);
    }
    message.append(reason == null ? "" : ": " + reason);
    if (moreInfo != null) {
      message.append(" (").append(moreInfo).append(')');
    }
    LOG.info("{}", message);
    return new WebhookException(status, code == null ? "twilio_http_" + status : "twilio_" + code, message.toString());
  }

  private static void field(StringBuilder form, String name, String value) {
    if (form.length() > 0) {
      form.append('&');
    }
    form.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  private static JsonNode json(String body) {
    try {
      return body == null || body.isBlank() ? null : JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
