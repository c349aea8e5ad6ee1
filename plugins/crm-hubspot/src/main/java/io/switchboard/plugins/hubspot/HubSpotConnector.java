package io.switchboard.plugins.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * HubSpot's webhooks, at {@code POST /webhooks/{tenant}/hubspot/events}: a JSON array of events
 * ({@code eventId}, {@code subscriptionType}, {@code objectId}, {@code propertyName},
 * {@code propertyValue}, {@code occurredAt}, ...), signed with v3 ({@link HubSpotSignature}) with the
 * app's client secret. Each event becomes a contact update ({@link InboundMessage.Kind#CONTACT_UPDATE}),
 * deduplicated on its {@code eventId}:
 *
 * <ul>
 *   <li>{@code contact.propertyChange} of {@code email} (or {@code phone}, {@code mobilephone}):
 *       the contact with that address, which learns {@code crm.hubspot.id}; later events find it by it
 *       (events of the same request by the address, so that they are applied after it);
 *   <li>other {@code contact.propertyChange}: {@code @crm.hubspot.id=<objectId>}, setting
 *       {@code crm.hubspot.properties.<name>} and, when the tenant maps the property
 *       ({@code channels.hubspot.properties: {lifecyclestage: crm.lifecycleStage}}), that field too;
 *   <li>{@code contact.deletion}: {@code crm.hubspot.deletedAt};
 *   <li>{@code contact.associationChange} / {@code deal.associationChange} between a contact and a
 *       deal: {@code crm.hubspot.deals.<dealId>.associated} on the contact ({@code false} when removed);
 *   <li>{@code deal.propertyChange}: {@code crm.hubspot.deals.<dealId>.<property>} on the contact
 *       associated with the deal ({@code @crm.hubspot.deals.<dealId>.associated=true}).
 * </ul>
 *
 * {@code contact.creation} and {@code deal.creation} carry nothing but an id; they are acknowledged
 * and dropped (the e-mail change that follows a creation introduces the contact).
 */
@Extension
public class HubSpotConnector implements ChannelConnector {

  static final String ID = "hubspot";
  static final String ENDPOINT = "events";
  static final String CLIENT_SECRET = "clientSecret";
  static final String CHANNEL = "crm";
  static final int MAX_EVENTS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> ADDRESS_PROPERTIES = Set.of("email", "phone", "mobilephone");

  private final Logger log;
  private final PluginContext.Metrics metrics;
  private final Clock clock;

  public HubSpotConnector(PluginContext context) {
    this(context, Clock.systemUTC());
  }

  HubSpotConnector(PluginContext context, Clock clock) {
    this.log = context.logger(HubSpotConnector.class);
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
    HubSpotSignature.verify(settings.requireSecret(CLIENT_SECRET), request.method(), request.url(), request.body(),
        request.header(HubSpotSignature.HEADER), request.header(HubSpotSignature.TIMESTAMP), clock.instant());
  }

  @Override
  public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    JsonNode events;
    try {
      events = JSON.readTree(request.body());
    } catch (IOException e) {
      throw WebhookException.badRequest("malformed_json", "the body is not JSON: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    if (events == null || !events.isArray()) {
      throw WebhookException.badRequest("malformed_json", "the body must be a JSON array of HubSpot events");
    }
    if (events.size() > MAX_EVENTS) {
      throw WebhookException.badRequest("too_many_events", "at most " + MAX_EVENTS + " events per request");
    }
    Map<String, String> mapped = propertyMap(settings);
    // An object's address in this batch: its other events go by that address too, so that they share
    // the address's partition and are applied after the event that introduces the HubSpot id.
    Map<String, String> addresses = new LinkedHashMap<>();
    for (JsonNode e : events) {
      if ("contact.propertyChange".equals(e.path("subscriptionType").asText())
          && ADDRESS_PROPERTIES.contains(e.path("propertyName").asText()) && !e.path("propertyValue").asText("").isBlank()) {
        addresses.putIfAbsent(e.path("objectId").asText(), e.path("propertyValue").asText().strip());
      }
    }
    List<InboundMessage> out = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      InboundMessage m = event(events.get(i), "[" + i + "]", mapped, addresses);
      if (m != null) {
        out.add(m);
      }
    }
    metrics.count("hubspot.events.parsed", events.size(), Map.of("tenant", settings.tenantId()));
    return out;
  }

  private InboundMessage event(JsonNode e, String where, Map<String, String> mapped, Map<String, String> addresses)
      throws WebhookException {
    if (!e.isObject()) {
      throw WebhookException.badRequest("invalid_field", "event " + where + " must be an object");
    }
    String eventId = required(e, "eventId", where);
    String type = required(e, "subscriptionType", where);
    Instant at = e.path("occurredAt").canConvertToLong() ? Instant.ofEpochMilli(e.path("occurredAt").asLong()) : null;
    Map<String, String> fields = new LinkedHashMap<>();
    switch (type) {
      case "contact.propertyChange" -> {
        String contact = required(e, "objectId", where);
        String name = required(e, "propertyName", where);
        String value = e.path("propertyValue").isValueNode() ? e.path("propertyValue").asText() : "";
        if (ADDRESS_PROPERTIES.contains(name) && !value.isBlank()) {
          fields.put("crm.hubspot.id", contact);
          fields.put("crm.hubspot.properties." + name, value);
          return InboundMessage.contactUpdate(CHANNEL, eventId, value.strip(), fields, at);
        }
        fields.put("crm.hubspot.properties." + name, value);
        if (mapped.containsKey(name)) {
          fields.put(mapped.get(name), value);
        }
        return InboundMessage.contactUpdate(CHANNEL, eventId, addresses.getOrDefault(contact, "@crm.hubspot.id=" + contact),
            fields, at);
      }
      case "contact.deletion" -> {
        fields.put("crm.hubspot.deletedAt", at == null ? clock.instant().toString() : at.toString());
        return InboundMessage.contactUpdate(CHANNEL, eventId, "@crm.hubspot.id=" + required(e, "objectId", where), fields, at);
      }
      case "contact.associationChange", "deal.associationChange" -> {
        String kind = e.path("associationType").asText("");
        boolean contactFirst = "CONTACT_TO_DEAL".equals(kind);
        if (!contactFirst && !"DEAL_TO_CONTACT".equals(kind)) {
          return ignored(type + " " + kind, eventId);
        }
        String from = required(e, "fromObjectId", where);
        String to = required(e, "toObjectId", where);
        String contact = contactFirst ? from : to;
        String deal = contactFirst ? to : from;
        fields.put("crm.hubspot.deals." + deal + ".associated",
            e.path("associationRemoved").asBoolean(false) ? "false" : "true");
        return InboundMessage.contactUpdate(CHANNEL, eventId, addresses.getOrDefault(contact, "@crm.hubspot.id=" + contact),
            fields, at);
      }
      case "deal.propertyChange" -> {
        String deal = required(e, "objectId", where);
        String name = required(e, "propertyName", where);
        fields.put("crm.hubspot.deals." + deal + "." + name,
            e.path("propertyValue").isValueNode() ? e.path("propertyValue").asText() : "");
        return InboundMessage.contactUpdate(CHANNEL, eventId, "@crm.hubspot.deals." + deal + ".associated=true", fields, at);
      }
      default -> {
        return ignored(type, eventId);
      }
    }
  }

  private InboundMessage ignored(String what, String eventId) {
    log.debug("HubSpot event {} ({}) carries nothing for the contact; acknowledged", eventId, what);
    return null;
  }

  /** The tenant's {@code properties} map: HubSpot property name to contact field path. */
  private static Map<String, String> propertyMap(ChannelSettings settings) {
    Map<String, String> out = new LinkedHashMap<>();
    if (settings.values().get("properties") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
    }
    return out;
  }

  private static String required(JsonNode e, String field, String where) throws WebhookException {
    JsonNode v = e.get(field);
    if (v == null || !v.isValueNode() || v.asText().isBlank()) {
      throw WebhookException.badRequest("missing_field", "field '" + where + "." + field + "' is required");
    }
    return v.asText();
  }

  /** HubSpot wants a quick 2xx; it retries anything else. */
  @Override
  public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
    return WebhookResponse.ok();
  }

  /**
   * A {@code contact.propertyChange} of {@code email} to the message's {@code from} (or, when the
   * text is {@code property=value}, that property of contact 1 after the e-mail), signed as HubSpot signs.
   */
  @Override
  public WebhookRequest simulate(SimulatedMessage message, ChannelSettings settings) {
    String secret = settings.requireSecret(CLIENT_SECRET);
    long now = clock.millis();
    String text = message.text() == null ? "" : message.text();
    StringBuilder body = new StringBuilder("[{\"eventId\": " + now + ", \"subscriptionId\": 1, \"portalId\": 1, \"occurredAt\": "
        + now + ", \"subscriptionType\": \"contact.propertyChange\", \"attemptNumber\": 0, \"objectId\": 1,"
        + " \"changeSource\": \"CRM\", \"propertyName\": \"email\", \"propertyValue\": " + quote(message.from()) + "}");
    int eq = text.indexOf('=');
    if (eq > 0) {
      body.append(", {\"eventId\": ").append(now + 1).append(", \"subscriptionId\": 2, \"portalId\": 1, \"occurredAt\": ")
          .append(now).append(", \"subscriptionType\": \"contact.propertyChange\", \"attemptNumber\": 0, \"objectId\": 1,")
          .append(" \"changeSource\": \"CRM\", \"propertyName\": ").append(quote(text.substring(0, eq).strip()))
          .append(", \"propertyValue\": ").append(quote(text.substring(eq + 1).strip())).append("}");
    }
    byte[] bytes = body.append("]").toString().getBytes(StandardCharsets.UTF_8);
    String ts = String.valueOf(now);
    return new WebhookRequest("POST", message.url(), Map.of("Content-Type", "application/json",
        HubSpotSignature.TIMESTAMP, ts,
        HubSpotSignature.HEADER, HubSpotSignature.sign(secret, "POST", message.url(), bytes, ts)), bytes);
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
