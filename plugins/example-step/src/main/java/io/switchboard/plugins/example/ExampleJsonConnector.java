package io.switchboard.plugins.example;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.Hmac;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.PluginContext;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * A connector for a provider that posts one JSON message per request,
 * {@code {"id": ..., "from": ..., "to": ..., "text": ...}}, signed with an HMAC-SHA256 of the raw
 * body in {@code X-Example-Signature: sha256=<hex>} (the scheme GitHub, Stripe and Meta use, give
 * or take a timestamp). Tenants configure it as:
 *
 * <pre>
 * channels:
 *   example:
 *     number: "+15550006000"
 *     secrets:
 *       signingSecret: ${env:ACME_EXAMPLE_SECRET}
 * </pre>
 */
@Extension
public class ExampleJsonConnector implements ChannelConnector {

  static final String ID = "example";
  static final String MESSAGES = "messages";
  static final String SIGNATURE_HEADER = "X-Example-Signature";
  static final String SIGNING_SECRET = "signingSecret";
  static final String JSON = "application/json";

  // ObjectMapper is thread-safe once configured; one instance serves every request.
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Logger log;
  private final PluginContext.Metrics metrics;

  /** The hub passes the plugin's context to a public constructor that takes one. */
  public ExampleJsonConnector(PluginContext context) {
    this.log = context.logger(ExampleJsonConnector.class);
    this.metrics = context.metrics();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<String> endpoints() {
    return Set.of(MESSAGES);
  }

  /**
   * Compares the signature in constant time with the HMAC of the raw body. A tenant without the
   * secret makes {@code requireSecret} throw, which the hub answers as its own misconfiguration (500).
   */
  @Override
  public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    String secret = settings.requireSecret(SIGNING_SECRET);
    String header = request.header(SIGNATURE_HEADER);
    if (header == null || header.isBlank()) {
      throw WebhookException.forbidden("missing_signature", "header " + SIGNATURE_HEADER + " is required");
    }
    byte[] expected = ("sha256=" + sign(secret, request.body())).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, header.strip().getBytes(StandardCharsets.US_ASCII))) {
      log.debug("Example request for tenant {} refused: signature mismatch", settings.tenantId());
      throw WebhookException.forbidden("invalid_signature",
          SIGNATURE_HEADER + " does not match the body; it must be sha256=<hex HMAC-SHA256 of the raw body>"
              + " keyed with the tenant's signing secret");
    }
  }

  @Override
  public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    if (!JSON.equals(request.mediaType())) {
      throw WebhookException.badRequest("unsupported_media_type", "expected Content-Type " + JSON + ", got "
          + (request.mediaType().isEmpty() ? "none" : "'" + request.mediaType() + "'"));
    }
    JsonNode body;
    try {
      body = MAPPER.readTree(request.body());
    } catch (JsonProcessingException e) {
      throw WebhookException.badRequest("malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw WebhookException.badRequest("malformed_json", "the body cannot be read as JSON");
    }
    if (body == null || !body.isObject()) {
      throw WebhookException.badRequest("malformed_json", "the body must be a JSON object");
    }
    String id = required(body, "id");
    String from = required(body, "from");
    String to = body.path("to").isTextual() ? body.get("to").textValue() : settings.value("number").orElse(null);
    String text = body.path("text").asText("");
    metrics.count("example.messages.parsed", 1, Map.of("tenant", settings.tenantId()));
    return List.of(new InboundMessage("example", id, from, to, text, List.of(), null, Map.of()));
  }

  @Override
  public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
    return new WebhookResponse(200, JSON, "{\"received\":" + accepted.size() + "}");
  }

  /** Builds and signs the request the provider would post for the message. */
  @Override
  public WebhookRequest simulate(SimulatedMessage message, ChannelSettings settings) {
    if (!MESSAGES.equals(message.endpoint())) {
      throw new IllegalArgumentException("connector '" + ID + "' has no endpoint '" + message.endpoint()
          + "'; it serves: " + MESSAGES);
    }
    ObjectNode body = MAPPER.createObjectNode()
        .put("id", "ex-" + UUID.randomUUID())
        .put("from", message.from())
        .put("to", message.to() != null ? message.to() : settings.value("number").orElse(null))
        .put("text", message.text() == null ? "" : message.text());
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", JSON);
    headers.put(SIGNATURE_HEADER, "sha256=" + sign(settings.requireSecret(SIGNING_SECRET), bytes));
    return new WebhookRequest("POST", message.url(), headers, bytes);
  }

  /** Hex HMAC-SHA256 of the body with the secret. */
  static String sign(String secret, byte[] body) {
    return Hmac.sha256Hex(secret, body);
  }

  private static String required(JsonNode body, String field) throws WebhookException {
    JsonNode v = body.get(field);
    if (v == null || !v.isTextual() || v.textValue().isBlank()) {
      throw WebhookException.badRequest("missing_field", "field '" + field + "' is required and must be a string");
    }
    return v.textValue();
  }
}
