package io.switchboard.plugins.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.OutboundMessage;
import io.switchboard.api.WebhookException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Sends messages with the Graph API's {@code POST /{version}/{phone-number-id}/messages}, as
 * Meta documents it for the Cloud API. Thread-safe: one JDK client serves every tenant, each
 * request carries its tenant's access token.
 */
final class GraphClient {

  static final String BASE_URL = "graph-base-url";
  static final String API_VERSION = "api-version";
  static final String DEFAULT_BASE_URL = "https://graph.facebook.com";
  static final String DEFAULT_API_VERSION = "v21.0";
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient http;
  private final String baseUrl;
  private final String version;

  /** @param configuration the plugin's settings: {@value #BASE_URL} and {@value #API_VERSION} */
  GraphClient(HttpClient http, Map<String, String> configuration) {
    this.http = http;
    String base = configuration.getOrDefault(BASE_URL, DEFAULT_BASE_URL).strip();
    this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.version = configuration.getOrDefault(API_VERSION, DEFAULT_API_VERSION).strip();
  }

  /** A text message's body: {@code {"messaging_product":"whatsapp","to":..,"type":"text","text":{"body":..}}}. */
  static ObjectNode text(String to, String body) {
    ObjectNode m = envelope(to, "text");
    m.putObject("text").put("body", body);
    return m;
  }

  /** An image sent by link, with an optional caption. */
  static ObjectNode image(String to, String link, String caption) {
    ObjectNode m = envelope(to, "image");
    ObjectNode image = m.putObject("image").put("link", link);
    if (caption != null && !caption.isEmpty()) {
      image.put("caption", caption);
    }
    return m;
  }

  private static ObjectNode envelope(String to, String type) {
    ObjectNode m = MAPPER.createObjectNode();
    m.put("messaging_product", "whatsapp").put("recipient_type", "individual").put("to", to).put("type", type);
    return m;
  }

  /**
   * Posts one message from the phone number.
   *
   * @return the wamid Meta assigned and its status word ({@code accepted} unless Meta says more)
   * @throws WebhookException with Graph's HTTP status and error message when it refuses; 503
   *     {@code graph_unreachable} when it cannot be reached (the hub retries 5xx)
   */
  OutboundMessage.Sent send(String phoneNumberId, String accessToken, ObjectNode message) throws WebhookException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/" + version + "/" + phoneNumberId + "/messages"))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + accessToken)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(message.toString(), StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new WebhookException(503, "graph_unreachable",
          "the WhatsApp Cloud API could not be reached (" + e.getClass().getSimpleName() + "); retry later");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebhookException(503, "graph_unreachable", "interrupted while calling the WhatsApp Cloud API");
    }
    JsonNode body = readJson(response.body());
    if (response.statusCode() / 100 != 2) {
      throw refusal(response.statusCode(), body, accessToken);
    }
    String wamid = body.path("messages").path(0).path("id").asText("");
    if (wamid.isEmpty()) {
      throw new WebhookException(502, "graph_bad_response",
          "the WhatsApp Cloud API answered " + response.statusCode() + " without messages[0].id");
    }
    return new OutboundMessage.Sent(wamid, body.path("messages").path(0).path("message_status").asText("accepted"));
  }

  /** Graph's {@code {"error":{"message","type","code","fbtrace_id"}}} as the hub's refusal. */
  private static WebhookException refusal(int status, JsonNode body, String accessToken) {
    JsonNode error = body.path("error");
    StringBuilder message = new StringBuilder("the WhatsApp Cloud API refused the message (HTTP ").append(status);
    if (error.hasNonNull("type")) {
      message.append(", ").append(error.get("type").asText());
    }
    if (error.hasNonNull("code")) {
      message.append(" code ").append(error.get("code").asText());
    }
    message.append("): ").append(error.path("message").asText("no error message"));
    if (error.hasNonNull("fbtrace_id")) {
      message.append(" (fbtrace_id ").append(error.get("fbtrace_id").asText()).append(')');
    }
    // Graph does not echo tokens, but a refusal must never carry one whatever it says.
    String text = message.toString().replace(accessToken, "***");
    String code = error.hasNonNull("code") ? "graph_error_" + error.get("code").asText() : "graph_error";
    return new WebhookException(status, code, text);
  }

  private static JsonNode readJson(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      return node == null ? MAPPER.createObjectNode() : node;
    } catch (IOException e) {
      return MAPPER.createObjectNode();
    }
  }
}
