package io.switchboard.runtime.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.InboundMessage;
import io.switchboard.runtime.http.WebhookIngress;
import io.switchboard.runtime.pipeline.DeadLetters;
import io.switchboard.runtime.util.Ids;
import io.switchboard.runtime.util.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The inbound Kafka bridge: external systems produce canonical JSON interactions onto a topic of
 * the tenant's (the {@code topic-to-inbound} route template in {@code routes/}, which a tenant
 * instantiates from its file), and this route validates each record and queues it exactly as a
 * webhook's message ({@link WebhookIngress#accept}: connector {@code kafka}, deduplicated on the
 * record's {@code id}). A record that is not a valid interaction is dead-lettered with a reason
 * naming the field and skipped, so it never blocks the partition; a valid one that cannot be queued
 * right now fails the exchange, and the template's consumer ({@code breakOnFirstError}) reads it
 * again.
 *
 * <p>The canonical form (docs/channels.md#kafka-bridge):
 * <pre>
 * {"id": "crm-42", "channel": "sms", "from": "+15551230001", "to": "+15550006000",
 *  "text": "Hello", "occurredAt": "2026-12-02T10:00:00Z", "attributes": {"source": "crm"},
 *  "media": [{"url": "https://...", "contentType": "image/png"}]}
 * </pre>
 */
public final class KafkaBridge extends RouteBuilder {

  /** Where the tenants' {@code topic-to-inbound} routes hand their records. */
  public static final String ENDPOINT = "direct:switchboard-kafka-inbound";
  /** The header the template sets to the tenant whose topic a record came from. */
  public static final String TENANT_HEADER = "SwitchboardTenant";
  public static final String CONNECTOR = "kafka";
  static final int MAX_TEXT = 64 * 1024;
  private static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  private volatile WebhookIngress ingress;
  private volatile DeadLetters deadLetters;

  /** Once the store and the spine are up: until then records wait in their topic. */
  public void bind(WebhookIngress ingress, DeadLetters deadLetters) {
    this.ingress = ingress;
    this.deadLetters = deadLetters;
  }

  @Override
  public void configure() {
    from(ENDPOINT).routeId("kafka-bridge-inbound").process(this::accept);
  }

  private void accept(Exchange e) throws Exception {
    WebhookIngress in = ingress;
    DeadLetters dl = deadLetters;
    if (in == null || dl == null) {
      throw new IllegalStateException("the hub is still starting; the record is read again");
    }
    String tenant = e.getMessage().getHeader(TENANT_HEADER, String.class);
    String raw = e.getMessage().getBody(String.class);
    String source = "kafka:" + e.getMessage().getHeader("kafka.TOPIC", "?", String.class) + "-"
        + e.getMessage().getHeader("kafka.PARTITION", "?", String.class) + "@"
        + e.getMessage().getHeader("kafka.OFFSET", "?", String.class);
    InboundMessage m;
    try {
      m = parse(raw);
    } catch (InvalidRecord bad) {
      dl.record(tenant, source, DeadLetters.INVALID_RECORD, bad.getMessage(), raw);
      return;
    }
    // throws when Kafka or PostgreSQL cannot take it now: the exchange fails and the record is read again
    in.accept(tenant, CONNECTOR, List.of(m), Ids.newId().toString());
  }

  /** A record that is not a canonical interaction; the message names the field and what is wrong. */
  static final class InvalidRecord extends Exception {
    InvalidRecord(String message) {
      super(message);
    }
  }

  /** The record as an inbound message, or why it is not one. */
  static InboundMessage parse(String raw) throws InvalidRecord {
    if (raw == null || raw.isBlank()) {
      throw new InvalidRecord("the record has no value; expected a JSON object");
    }
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(raw.getBytes(StandardCharsets.UTF_8));
    } catch (java.io.IOException ex) {
      throw new InvalidRecord("the value is not JSON: " + ex.getMessage().lines().findFirst().orElse(""));
    }
    if (n == null || !n.isObject()) {
      throw new InvalidRecord("the value must be a JSON object");
    }
    String id = text(n, "id", true, 200);
    String channel = text(n, "channel", true, 32);
    if (!CHANNEL.matcher(channel).matches()) {
      throw new InvalidRecord("field 'channel' must be a channel name such as sms, whatsapp, email; got '" + channel + "'");
    }
    String from = text(n, "from", true, 320);
    String to = text(n, "to", false, 320);
    String text = text(n, "text", false, MAX_TEXT);
    Instant at = null;
    String occurred = text(n, "occurredAt", false, 64);
    if (occurred != null) {
      try {
        at = Instant.parse(occurred);
      } catch (DateTimeParseException ex) {
        throw new InvalidRecord("field 'occurredAt' must be an ISO-8601 instant such as 2026-12-02T10:00:00Z; got '" + occurred + "'");
      }
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    JsonNode attrs = n.get("attributes");
    if (attrs != null && !attrs.isNull()) {
      if (!attrs.isObject()) {
        throw new InvalidRecord("field 'attributes' must be an object of strings");
      }
      var fields = attrs.fields();
      while (fields.hasNext()) {
        var f = fields.next();
        if (!f.getValue().isTextual()) {
          throw new InvalidRecord("field 'attributes." + f.getKey() + "' must be a string");
        }
        attributes.put(f.getKey(), f.getValue().textValue());
      }
    }
    List<InboundMessage.Media> media = new ArrayList<>();
    JsonNode ms = n.get("media");
    if (ms != null && !ms.isNull()) {
      if (!ms.isArray()) {
        throw new InvalidRecord("field 'media' must be an array of {url, contentType}");
      }
      for (int i = 0; i < ms.size(); i++) {
        JsonNode item = ms.get(i);
        if (!item.isObject() || !item.path("url").isTextual() || item.path("url").textValue().isBlank()) {
          throw new InvalidRecord("field 'media[" + i + "].url' is required and must be a string");
        }
        media.add(new InboundMessage.Media(item.path("url").textValue(),
            item.path("contentType").isTextual() ? item.path("contentType").textValue() : null));
      }
    }
    if ((text == null || text.isEmpty()) && media.isEmpty()) {
      throw new InvalidRecord("the record needs a 'text' or at least one 'media' item");
    }
    return new InboundMessage(channel, id, from, to, text, media, at, attributes);
  }

  private static String text(JsonNode n, String field, boolean required, int max) throws InvalidRecord {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new InvalidRecord("field '" + field + "' is required");
      }
      return null;
    }
    if (!v.isTextual() || (required && v.textValue().isBlank())) {
      throw new InvalidRecord("field '" + field + "' must be a " + (required ? "non-empty " : "") + "string");
    }
    if (v.textValue().length() > max) {
      throw new InvalidRecord("field '" + field + "' is longer than " + max + " characters");
    }
    return v.textValue();
  }
}
