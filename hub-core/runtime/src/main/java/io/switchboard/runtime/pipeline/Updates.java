package io.switchboard.runtime.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.api.Contact;
import io.switchboard.api.InboundMessage;
import io.switchboard.runtime.spine.Spine;
import io.switchboard.runtime.util.Json;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the inbound records that are not messages: a provider's delivery receipt for a reply the
 * hub sent ({@link InboundMessage.Kind#STATUS}) and a system of record's facts about a contact
 * ({@link InboundMessage.Kind#CONTACT_UPDATE}). Both run no workflow and are written in the
 * pipeline batch's transaction, with a {@code message.status} or {@code contact.updated} event.
 *
 * <p>Idempotent: the event's id is derived from the record's tenant, connector and provider id, so
 * a redelivered record stores nothing new and yields its stored event again.
 */
final class Updates {

  private static final Logger LOG = LoggerFactory.getLogger(Updates.class);
  static final String MESSAGE_STATUS = "message.status";
  static final String CONTACT_UPDATED = "contact.updated";

  private final PhoneNumbers phones;

  Updates(PhoneNumbers phones) {
    this.phones = phones;
  }

  void apply(Connection c, InteractionWriter.Raw raw, InboundRecord r, List<Spine.Message> events) throws SQLException {
    UUID eventId = UUID.nameUUIDFromBytes((r.kind() + "\u0000" + r.tenant() + "\u0000" + r.connector() + "\u0000"
        + r.providerMessageId()).getBytes(StandardCharsets.UTF_8));
    String stored = storedEvent(c, r.tenant(), eventId);
    if (stored != null) {
      events.add(new Spine.Message(Spine.EVENTS_TOPIC, key(stored), stored));
      return;
    }
    switch (r.kind()) {
      case STATUS -> status(c, raw, r, eventId, events);
      case CONTACT_UPDATE -> contact(c, raw, r, eventId, events);
      default -> throw new IllegalArgumentException("not an update: " + r.kind());
    }
  }

  private void status(Connection c, InteractionWriter.Raw raw, InboundRecord r, UUID eventId, List<Spine.Message> events)
      throws SQLException {
    Map<String, String> a = r.attributes() == null ? Map.of() : r.attributes();
    String messageId = a.get(InboundMessage.STATUS_MESSAGE_ID);
    String status = a.get(InboundMessage.STATUS);
    if (messageId == null || status == null) {
      InteractionWriter.deadLetter(c, raw, DeadLetters.INVALID_RECORD, "status record lacks attributes '"
          + InboundMessage.STATUS_MESSAGE_ID + "' and '" + InboundMessage.STATUS + "'");
      return;
    }
    String statusWord = status.toLowerCase(Locale.ROOT);
    Instant at = r.receivedAt() == null ? Instant.now() : r.receivedAt();
    try (PreparedStatement ps = c.prepareStatement("""
        insert into message_statuses (tenant_id, connector, message_id, status, error, occurred_at)
        values (?, ?, ?, ?, ?, ?) on conflict do nothing""")) {
      ps.setString(1, r.tenant());
      ps.setString(2, r.connector());
      ps.setString(3, messageId);
      ps.setString(4, statusWord);
      ps.setString(5, a.get(InboundMessage.STATUS_ERROR));
      ps.setTimestamp(6, Timestamp.from(at));
      ps.executeUpdate();
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", eventId);
    event.put("type", MESSAGE_STATUS);
    event.put("tenant", r.tenant());
    event.put("connector", r.connector());
    event.put("channel", r.channel());
    event.put("providerMessageId", messageId);
    event.put("status", statusWord);
    event.put("error", a.get(InboundMessage.STATUS_ERROR));
    event.put("recipient", r.from());
    UUID subject = null;
    try (PreparedStatement ps = c.prepareStatement("""
        select id, interaction_id from actions
         where tenant_id = ? and type = 'reply' and result->>'providerMessageId' = ? and payload->>'connector' = ?
         limit 1""")) {
      ps.setString(1, r.tenant());
      ps.setString(2, messageId);
      ps.setString(3, r.connector());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          subject = rs.getObject(1, UUID.class);
          event.put("actionId", subject);
          event.put("interactionId", rs.getObject(2, UUID.class));
        }
      }
    }
    event.put("occurredAt", at.toString());
    event.put("correlationId", r.correlationId());
    insertEvent(c, r.tenant(), eventId, MESSAGE_STATUS, subject, event, r.tenant() + "/" + messageId, events);
  }

  private void contact(Connection c, InteractionWriter.Raw raw, InboundRecord r, UUID eventId, List<Spine.Message> events)
      throws SQLException {
    Instant at = r.receivedAt() == null ? Instant.now() : r.receivedAt();
    Contact contact;
    if (r.from().startsWith("@")) {
      int eq = r.from().indexOf('=');
      if (eq < 2 || eq == r.from().length() - 1) {
        InteractionWriter.deadLetter(c, raw, DeadLetters.INVALID_RECORD,
            "contact reference '" + r.from() + "' must be @<attribute path>=<value>");
        return;
      }
      String path = r.from().substring(1, eq);
      String value = r.from().substring(eq + 1);
      contact = byAttribute(c, r.tenant(), path, value);
      if (contact == null) {
        InteractionWriter.deadLetter(c, raw, DeadLetters.CONTACT_UNKNOWN, "no contact of tenant '" + r.tenant()
            + "' has " + path + " = '" + value + "' yet; replay this record once an update that introduces it is stored");
        return;
      }
    } else {
      String address = r.from().contains("@") && !r.from().contains(":")
          ? r.from().strip().toLowerCase(Locale.ROOT) : phones.contactAddress(r.from());
      contact = InteractionWriter.upsertContact(c, r.tenant(), address, at);
    }
    Map<String, String> changes = r.attributes() == null ? Map.of() : r.attributes();
    Map<String, Object> attributes = merge(contact.attributes(), changes);
    try (PreparedStatement ps = c.prepareStatement("""
        update contacts set attributes = ?::jsonb, updated_at = greatest(updated_at, ?) where tenant_id = ? and id = ?""")) {
      ps.setString(1, Json.write(attributes));
      ps.setTimestamp(2, Timestamp.from(at));
      ps.setString(3, r.tenant());
      ps.setObject(4, contact.id());
      ps.executeUpdate();
    }
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", eventId);
    event.put("type", CONTACT_UPDATED);
    event.put("tenant", r.tenant());
    event.put("contactId", contact.id());
    event.put("source", r.connector());
    event.put("sourceEventId", r.providerMessageId());
    event.put("changes", changes);
    event.put("occurredAt", at.toString());
    event.put("correlationId", r.correlationId());
    insertEvent(c, r.tenant(), eventId, CONTACT_UPDATED, contact.id(), event, r.tenant() + "/" + contact.id(), events);
    LOG.debug("Contact {} of tenant {} updated from {} event {}", contact.id(), r.tenant(), r.connector(), r.providerMessageId());
  }

  /**
   * The attributes with each change applied at its dot-separated path: a value sets the leaf
   * (creating the maps above it), an empty value removes it.
   */
  static Map<String, Object> merge(Map<String, Object> attributes, Map<String, String> changes) {
    Map<String, Object> out = deepCopy(attributes);
    for (Map.Entry<String, String> ch : changes.entrySet()) {
      String[] parts = ch.getKey().split("\\.");
      Map<String, Object> cur = out;
      for (int i = 0; i < parts.length - 1; i++) {
        Object next = cur.get(parts[i]);
        if (!(next instanceof Map<?, ?>)) {
          if (ch.getValue().isEmpty()) {
            cur = null;
            break;
          }
          next = new LinkedHashMap<String, Object>();
          cur.put(parts[i], next);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) next;
        cur = m;
      }
      if (cur == null) {
        continue;
      }
      String leaf = parts[parts.length - 1];
      if (ch.getValue().isEmpty()) {
        cur.remove(leaf);
      } else {
        cur.put(leaf, ch.getValue());
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> inner ? deepCopy((Map<String, Object>) inner) : v));
    return out;
  }

  private static Contact byAttribute(Connection c, String tenant, String path, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        select id, phone, email, display_name, attributes::text from contacts
         where tenant_id = ? and attributes #>> ?::text[] = ?
         order by updated_at desc limit 1 for update""")) {
      ps.setString(1, tenant);
      ps.setArray(2, c.createArrayOf("text", path.split("\\.")));
      ps.setString(3, value);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? InteractionWriter.contact(rs) : null;
      }
    }
  }

  private static String storedEvent(Connection c, String tenant, UUID id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("select payload::text from events where tenant_id = ? and id = ?")) {
      ps.setString(1, tenant);
      ps.setObject(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void insertEvent(Connection c, String tenant, UUID id, String type, UUID subject, Map<String, Object> event,
      String key, List<Spine.Message> events) throws SQLException {
    String payload = Json.write(event);
    try (PreparedStatement ps = c.prepareStatement(
        "insert into events (id, tenant_id, type, subject_id, payload) values (?, ?, ?, ?, ?::jsonb)")) {
      ps.setObject(1, id);
      ps.setString(2, tenant);
      ps.setString(3, type);
      ps.setObject(4, subject);
      ps.setString(5, payload);
      ps.executeUpdate();
    }
    events.add(new Spine.Message(Spine.EVENTS_TOPIC, key, payload));
  }

  private static String key(String payload) {
    try {
      var n = Json.MAPPER.readTree(payload);
      String subject = n.hasNonNull("contactId") ? n.path("contactId").asText() : n.path("providerMessageId").asText();
      return n.path("tenant").asText() + "/" + subject;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored event is not JSON", e);
    }
  }
}
