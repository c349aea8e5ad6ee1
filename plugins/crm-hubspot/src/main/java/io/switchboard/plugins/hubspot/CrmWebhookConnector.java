package io.switchboard.plugins.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.Hmac;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.PluginContext;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * A generic CRM webhook for systems other than HubSpot, at {@code POST /webhooks/{tenant}/crm/events}:
 * one event or an array of them,
 *
 * <pre>
 * {"eventId": "evt-1", "occurredAt": "2026-12-02T10:00:00Z",
 *  "contact": {"email": "dana@example.com"},          // or "phone", or "ref": {"path": "crm.id", "value": "42"}
 *  "fields": {"crm.stage": "customer", "crm.owner": "sam"}}
 * </pre>
 *
 * signed {@code X-Switchboard-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">} with the
 * tenant's {@code signingSecret} (the scheme of the hub's own outgoing webhooks), within 5 minutes.
 * Each event becomes a contact update, deduplicated on {@code eventId}.
 */
@Extension
public class CrmWebhookConnector implements ChannelConnector {

  static final String ID = "crm";
  static final String ENDPOINT = "events";
  static final String HEADER = "X-Switchboard-Signature";
  static final String SECRET = "signingSecret";
  static final long TOLERANCE_SECONDS = 300;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PluginContext.Metrics metrics;
  private final Clock clock;

  public CrmWebhookConnector(PluginContext context) {
    this(context, Clock.systemUTC());
  }

  CrmWebhookConnector(PluginContext context, Clock clock) {
    this.metrics = context.metrics();
    this.clock = clock;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<String> endpoints() {
    return Set.of(ENDPOINT);
  }

  @Override
  public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    Hmac.verifyTimestamped(HEADER, request.header(HEADER), settings.requireSecret(SECRET), SECRET, request.body(),
        clock.instant(), TOLERANCE_SECONDS);
  }

  @Override
  public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    JsonNode body;
    try {
      body = JSON.readTree(request.body());
    } catch (IOException e) {
      throw WebhookException.badRequest("malformed_json", "the body is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (body == null || !(body.isObject() || body.isArray())) {
      throw WebhookException.badRequest("malformed_json", "the body must be an event object or an array of them");
    }
    List<JsonNode> events = new ArrayList<>();
    if (body.isArray()) {
      body.forEach(events::add);
    } else {
      events.add(body);
    }
    List<InboundMessage> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      out.add(event(events.get(i), body.isArray() ? "[" + i + "]" : ""));
    }
    metrics.count("crm.events.parsed", out.size(), Map.of("tenant", settings.tenantId()));
    return out;
  }

  private static InboundMessage event(JsonNode e, String where) throws WebhookException {
    if (!e.isObject()) {
      throw WebhookException.badRequest("invalid_field", "event" + where + " must be an object");
    }
    String id = text(e.get("eventId"), where + "eventId");
    Instant at = null;
    if (e.hasNonNull("occurredAt")) {
      try {
        at = Instant.parse(text(e.get("occurredAt"), where + "occurredAt"));
      } catch (DateTimeParseException ex) {
        throw WebhookException.badRequest("invalid_field", "field '" + where + "occurredAt' must be an ISO-8601 instant"
            + " such as 2026-12-02T10:00:00Z");
      }
    }
    JsonNode contact = e.path("contact");
    String address;
    if (contact.hasNonNull("email")) {
      address = text(contact.get("email"), where + "contact.email");
    } else if (contact.hasNonNull("phone")) {
      address = text(contact.get("phone"), where + "contact.phone");
    } else if (contact.path("ref").isObject()) {
      address = "@" + text(contact.path("ref").get("path"), where + "contact.ref.path") + "="
          + text(contact.path("ref").get("value"), where + "contact.ref.value");
    } else {
      throw WebhookException.badRequest("missing_field", "field '" + where + "contact' needs an email, a phone or a"
          + " ref {path, value} naming a field an earlier event stored");
    }
    JsonNode fields = e.path("fields");
    if (!fields.isObject() || fields.isEmpty()) {
      throw WebhookException.badRequest("missing_field", "field '" + where + "fields' must be a non-empty object of"
          + " attribute paths to string values");
    }
    Map<String, String> changes = new LinkedHashMap<>();
    var it = fields.fields();
    while (it.hasNext()) {
      var f = it.next();
      if (!f.getKey().matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
        throw WebhookException.badRequest("invalid_field", "field '" + where + "fields." + f.getKey()
            + "' is not a dot-separated attribute path");
      }
      if (!f.getValue().isValueNode()) {
        throw WebhookException.badRequest("invalid_field", "field '" + where + "fields." + f.getKey() + "' must be a string, number or boolean");
      }
      changes.put(f.getKey(), f.getValue().isNull() ? "" : f.getValue().asText());
    }
    return InboundMessage.contactUpdate("crm", id, address, changes, at);
  }

  private static String text(JsonNode v, String field) throws WebhookException {
    if (v == null || !v.isValueNode() || v.isNull() || v.asText().isBlank()) {
      throw WebhookException.badRequest("missing_field", "field '" + field + "' is required");
    }
    return v.asText();
  }

  @Override
  public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
    return WebhookResponse.ok();
  }

  /** An event for the contact at {@code from}, its text as {@code crm.note}, or {@code path=value} as that field. */
  @Override
  public WebhookRequest simulate(SimulatedMessage message, ChannelSettings settings) {
    String secret = settings.requireSecret(SECRET);
    String text = message.text() == null ? "" : message.text();
    int eq = text.indexOf('=');
    String field = eq > 0 ? text.substring(0, eq).strip() : "crm.note";
    String value = eq > 0 ? text.substring(eq + 1).strip() : text;
    String kind = message.from().contains("@") ? "email" : "phone";
    byte[] body = ("{\"eventId\": \"sim-" + clock.millis() + "\", \"occurredAt\": \"" + clock.instant() + "\", \"contact\": {\""
        + kind + "\": " + HubSpotConnector.quote(message.from()) + "}, \"fields\": {" + HubSpotConnector.quote(field) + ": "
        + HubSpotConnector.quote(value) + "}}").getBytes(StandardCharsets.UTF_8);
    return new WebhookRequest("POST", message.url(), Map.of("Content-Type", "application/json",
        HEADER, Hmac.timestampedHeader(secret, clock.instant().getEpochSecond(), body)), body);
  }
}
