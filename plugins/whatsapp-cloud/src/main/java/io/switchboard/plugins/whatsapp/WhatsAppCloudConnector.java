package io.switchboard.plugins.whatsapp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.Hmac;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.OutboundMessage;
import io.switchboard.api.PluginContext;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * Meta's WhatsApp Cloud API, served at {@code /webhooks/{tenant}/whatsapp-cloud/messages}:
 *
 * <ul>
 *   <li>{@code GET}: the handshake Meta makes when the callback URL is saved in the app dashboard
 *       ({@code hub.mode=subscribe}, {@code hub.verify_token}, {@code hub.challenge});
 *   <li>{@code POST}: the webhook, signed {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of
 *       the raw body>} with the app secret; see {@link WebhookPayload} for what it carries;
 *   <li>{@link #send}: replies through the Graph API with the tenant's access token.
 * </ul>
 *
 * Tenants configure it as:
 *
 * <pre>
 * channels:
 *   whatsapp-cloud:
 *     phoneNumberIds: ["106540352242922"]
 *     displayPhoneNumber: "+15550783881"   # optional, for switchboard simulate
 *     secrets:
 *       appSecret: ${env:ACME_META_APP_SECRET}
 *       verifyToken: ${env:ACME_META_VERIFY_TOKEN}
 *       accessToken: ${env:ACME_META_ACCESS_TOKEN}
 * </pre>
 */
@Extension
public class WhatsAppCloudConnector implements ChannelConnector {

  static final String ID = "whatsapp-cloud";
  static final String MESSAGES = "messages";
  static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
  static final String APP_SECRET = "appSecret";
  static final String VERIFY_TOKEN = "verifyToken";
  static final String ACCESS_TOKEN = "accessToken";
  static final String JSON = "application/json";
  /** Meta's challenge is a number; anything much longer is not Meta's and is not echoed. */
  static final int MAX_CHALLENGE_LENGTH = 128;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Logger log;
  private final PluginContext.Metrics metrics;
  private final GraphClient graph;

  /** The hub passes the plugin's context to a public constructor that takes one. */
  public WhatsAppCloudConnector(PluginContext context) {
    this.log = context.logger(WhatsAppCloudConnector.class);
    this.metrics = context.metrics();
    this.graph = new GraphClient(context.httpClient(GraphClient.TIMEOUT), context.configuration());
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
   * Meta's verification request: echoes {@code hub.challenge} as text/plain when
   * {@code hub.mode} is {@code subscribe} and {@code hub.verify_token} is the tenant's
   * {@code verifyToken} (compared in constant time); 403 otherwise.
   */
  @Override
  public WebhookResponse challenge(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    String expected = settings.requireSecret(VERIFY_TOKEN);
    Map<String, String> query;
    try {
      query = query(request.url());
    } catch (IllegalArgumentException e) {
      throw WebhookException.badRequest("malformed_query", "the query string cannot be decoded");
    }
    if (!"subscribe".equals(query.get("hub.mode"))) {
      throw WebhookException.forbidden("invalid_mode", "hub.mode must be 'subscribe'");
    }
    String token = query.getOrDefault("hub.verify_token", "");
    if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
      log.debug("WhatsApp handshake for tenant {} refused: verify token mismatch", settings.tenantId());
      throw WebhookException.forbidden("invalid_verify_token",
          "hub.verify_token is not the verify token configured for this tenant (secret " + VERIFY_TOKEN + ")");
    }
    String challenge = query.get("hub.challenge");
    if (challenge == null || challenge.isBlank() || challenge.length() > MAX_CHALLENGE_LENGTH) {
      throw WebhookException.badRequest("missing_field",
          "hub.challenge is required (at most " + MAX_CHALLENGE_LENGTH + " characters)");
    }
    return new WebhookResponse(200, "text/plain", challenge);
  }

  /**
   * Compares {@code X-Hub-Signature-256} in constant time with the HMAC of the raw body: 401 when
   * it is missing, 403 when it does not match. A tenant without {@code appSecret} is the hub's
   * misconfiguration (500).
   */
  @Override
  public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    String secret = settings.requireSecret(APP_SECRET);
    String header = request.header(SIGNATURE_HEADER);
    if (header == null || header.isBlank()) {
      throw new WebhookException(401, "missing_signature", "header " + SIGNATURE_HEADER + " is required");
    }
    byte[] expected = ("sha256=" + sign(secret, request.body())).getBytes(StandardCharsets.US_ASCII);
    // Meta sends lower-case hex; accept upper case too, compare without branching on the bytes.
    byte[] given = header.strip().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, given)) {
      log.debug("WhatsApp webhook for tenant {} refused: signature mismatch", settings.tenantId());
      throw WebhookException.forbidden("invalid_signature", SIGNATURE_HEADER + " does not match the body; it must be"
          + " sha256=<hex HMAC-SHA256 of the raw body> keyed with the Meta app's secret (secret " + APP_SECRET + ")");
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
    } catch (IOException e) {
      throw WebhookException.badRequest("malformed_json", "the body cannot be read as JSON");
    }
    if (body == null) {
      throw WebhookException.badRequest("malformed_json", "the body is empty; expected a JSON object");
    }
    List<InboundMessage> messages = WebhookPayload.messages(body, settings, log);
    metrics.count("whatsapp.messages.parsed", messages.size(), Map.of("tenant", settings.tenantId()));
    return messages;
  }

  /** Meta wants a quick 200; the body is ignored. */
  @Override
  public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
    return WebhookResponse.ok();
  }

  /**
   * Sends the text, or each media URL as an image by link (the text as the first one's caption),
   * from the phone number id named by the {@code phoneNumberId} attribute, else by {@code from}
   * when it is one of the tenant's {@code phoneNumberIds}, else the first of them.
   *
   * @return the wamid of the first message sent
   */
  @Override
  public OutboundMessage.Sent send(OutboundMessage message, ChannelSettings settings) throws WebhookException {
    String token = settings.requireSecret(ACCESS_TOKEN);
    String phoneNumberId = sender(message, settings);
    String to = message.to().startsWith("+") ? message.to().substring(1) : message.to();
    if (message.mediaUrls().isEmpty()) {
      if (message.text().isBlank()) {
        throw WebhookException.badRequest("empty_message", "a WhatsApp message needs a text or a media URL");
      }
      return sent(settings, graph.send(phoneNumberId, token, GraphClient.text(to, message.text())));
    }
    OutboundMessage.Sent first = null;
    for (String url : message.mediaUrls()) {
      OutboundMessage.Sent s = graph.send(phoneNumberId, token, GraphClient.image(to, url, first == null ? message.text() : null));
      first = first == null ? s : first;
    }
    return sent(settings, first);
  }

  private OutboundMessage.Sent sent(ChannelSettings settings, OutboundMessage.Sent sent) {
    metrics.count("whatsapp.messages.sent", 1, Map.of("tenant", settings.tenantId()));
    log.debug("Sent WhatsApp message {} for tenant {}", sent.providerMessageId(), settings.tenantId());
    return sent;
  }

  private static String sender(OutboundMessage message, ChannelSettings settings) {
    List<String> ids = settings.list(WebhookPayload.PHONE_NUMBER_IDS);
    String named = message.attributes().get("phoneNumberId");
    if (named != null && !named.isBlank()) {
      return named;
    }
    if (message.from() != null && ids.contains(message.from())) {
      return message.from();
    }
    if (ids.isEmpty()) {
      throw new IllegalStateException("tenant '" + settings.tenantId() + "' has no channels." + ID + "."
          + WebhookPayload.PHONE_NUMBER_IDS + " to send from");
    }
    return ids.get(0);
  }

  /**
   * Builds the POST Meta sends for an inbound text message, signed with the tenant's app secret:
   * to the message's {@code to}, else the tenant's {@code displayPhoneNumber}, on its first phone
   * number id.
   */
  @Override
  public WebhookRequest simulate(SimulatedMessage message, ChannelSettings settings) {
    if (message.endpoint() != null && !MESSAGES.equals(message.endpoint())) {
      throw new IllegalArgumentException("connector '" + ID + "' has no endpoint '" + message.endpoint()
          + "'; it serves: " + MESSAGES);
    }
    if (message.url() == null || message.from() == null) {
      throw new IllegalArgumentException("a simulated WhatsApp message needs a url and a from number");
    }
    String secret = settings.requireSecret(APP_SECRET);
    String phoneNumberId = settings.list(WebhookPayload.PHONE_NUMBER_IDS).stream().findFirst()
        .orElseThrow(() -> new IllegalStateException("tenant '" + settings.tenantId() + "' has no channels." + ID
            + "." + WebhookPayload.PHONE_NUMBER_IDS));
    String to = message.to() != null && !message.to().isBlank() ? message.to()
        : settings.value("displayPhoneNumber").orElseThrow(() -> new IllegalStateException("tenant '"
            + settings.tenantId() + "' has no channels." + ID + ".displayPhoneNumber; give the message a 'to' number"));
    String waId = message.from().replaceAll("[^0-9]", "");
    byte[] random = new byte[18];
    RANDOM.nextBytes(random);

    ObjectNode body = MAPPER.createObjectNode().put("object", WebhookPayload.OBJECT);
    ObjectNode entry = body.putArray("entry").addObject().put("id", phoneNumberId);
    ObjectNode change = entry.putArray("changes").addObject();
    ObjectNode value = change.putObject("value");
    value.put("messaging_product", "whatsapp");
    value.putObject("metadata").put("display_phone_number", to.replaceAll("[^0-9]", "")).put("phone_number_id", phoneNumberId);
    ArrayNode contacts = value.putArray("contacts");
    contacts.addObject().put("wa_id", waId).putObject("profile").put("name", "Switchboard simulator");
    ObjectNode m = value.putArray("messages").addObject()
        .put("from", waId)
        .put("id", "wamid." + Base64.getEncoder().encodeToString(random))
        .put("timestamp", String.valueOf(System.currentTimeMillis() / 1000))
        .put("type", "text");
    m.putObject("text").put("body", message.text() == null ? "" : message.text());
    change.put("field", "messages");

    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", JSON);
    headers.put("User-Agent", "facebookexternalua");
    headers.put(SIGNATURE_HEADER, "sha256=" + sign(secret, bytes));
    return new WebhookRequest("POST", message.url(), headers, bytes);
  }

  /** Lower-case hex HMAC-SHA256 of the body keyed with the app secret, as Meta signs. */
  static String sign(String appSecret, byte[] body) {
    return Hmac.sha256Hex(appSecret, body);
  }

  /** The decoded query parameters of a URL, the first of each name. */
  static Map<String, String> query(String url) {
    Map<String, String> out = new LinkedHashMap<>();
    String raw = URI.create(url).getRawQuery();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(name, value);
    }
    return out;
  }
}
