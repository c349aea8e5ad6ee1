package io.switchboard.runtime.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.api.Interaction;
import io.switchboard.runtime.ai.SentimentAnalyzer;
import io.switchboard.runtime.spine.Spine;
import io.switchboard.runtime.util.Ids;
import io.switchboard.runtime.util.Json;
import io.switchboard.runtime.workflow.CompiledWorkflow;
import io.switchboard.runtime.workflow.StepFailedException;
import io.switchboard.runtime.workflow.StepRunner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns inbound records into stored interactions: upserts the contact, threads the conversation,
 * computes the signals, and writes the interaction with its {@code interaction.received} event in
 * the caller's transaction. Returns the events to publish once that transaction has committed.
 *
 * <p>Idempotent: a record whose interaction already exists (a redelivery after a crash between
 * commit and publish) stores nothing and yields its stored event again, so the event is published
 * at least once.
 */
public final class InteractionWriter {

  private static final Logger LOG = LoggerFactory.getLogger(InteractionWriter.class);
  public static final String INTERACTION_RECEIVED = "interaction.received";

  private final DataSource dataSource;
  private final PhoneNumbers phones;
  private final SentimentAnalyzer sentiment;
  private final Duration conversationWindow;
  private final Function<String, CompiledWorkflow> workflows;
  private final StepRunner steps;

  /**
   * @param workflows each tenant's compiled workflow (null: none)
   * @param steps runs workflow steps with retries and timeouts
   */
  public InteractionWriter(DataSource dataSource, PhoneNumbers phones, SentimentAnalyzer sentiment,
      Duration conversationWindow, Function<String, CompiledWorkflow> workflows, StepRunner steps) {
    this.dataSource = dataSource;
    this.phones = phones;
    this.sentiment = sentiment;
    this.conversationWindow = conversationWindow;
    this.workflows = workflows;
    this.steps = steps;
  }

  /** One raw record from Kafka: its key, JSON value and where it came from (for dead letters). */
  public record Raw(String key, String value, String source) {}

  /**
   * Writes a batch in one transaction. A record that is not valid JSON, or that fails on its own,
   * goes to the dead-letter table instead of blocking the batch.
   *
   * @return the events to publish, in order
   * @throws SQLException when the database itself fails; nothing of the batch is then stored
   * @throws InterruptedException when the hub is stopping; nothing of the batch is then stored
   */
  public List<Spine.Message> write(List<Raw> batch) throws SQLException, InterruptedException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        List<Spine.Message> events = new ArrayList<>(batch.size());
        Map<String, String> stored = existingEvents(c, batch);
        for (Raw raw : batch) {
          writeOne(c, raw, events, stored);
        }
        c.commit();
        return events;
      } catch (SQLException e) {
        c.rollback();
        if (batch.size() == 1 || isConnectionFailure(e)) {
          throw e;
        }
        LOG.warn("Batch of {} failed ({}); retrying record by record", batch.size(), e.getMessage());
      }
    }
    return writeEach(batch);
  }

  private List<Spine.Message> writeEach(List<Raw> batch) throws SQLException, InterruptedException {
    List<Spine.Message> events = new ArrayList<>();
    for (Raw raw : batch) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        List<Spine.Message> one = new ArrayList<>(1);
        try {
          writeOne(c, raw, one, existingEvents(c, List.of(raw)));
          c.commit();
          events.addAll(one);
        } catch (SQLException e) {
          c.rollback();
          if (isConnectionFailure(e)) {
            throw e;
          }
          deadLetter(c, raw, DeadLetters.STORE_FAILED, "store failed: " + e.getMessage());
          c.commit();
        }
      }
    }
    return events;
  }

  /**
   * @param stored events of interactions already stored, by {@link #dedupeKey}; a record written
   *     here is added, so a second copy later in the same batch is recognised too
   */
  private void writeOne(Connection c, Raw raw, List<Spine.Message> events, Map<String, String> stored)
      throws SQLException, InterruptedException {
    InboundRecord r;
    try {
      r = Json.MAPPER.readValue(raw.value(), InboundRecord.class);
    } catch (JsonProcessingException e) {
      deadLetter(c, raw, DeadLetters.INVALID_RECORD, "not a valid inbound record: " + e.getOriginalMessage());
      return;
    }
    if (r.tenant() == null || r.providerMessageId() == null || r.from() == null || r.channel() == null) {
      deadLetter(c, raw, DeadLetters.INVALID_RECORD, "inbound record lacks tenant, channel, providerMessageId or from");
      return;
    }
    String existing = stored.get(dedupeKey(r.tenant(), r.connector(), r.providerMessageId()));
    if (existing != null) {
      LOG.debug("Interaction {} of tenant {} already stored; republishing its event", r.providerMessageId(), r.tenant());
      events.add(new Spine.Message(Spine.EVENTS_TOPIC, eventKey(existing), existing));
      return;
    }
    Instant at = r.receivedAt() == null ? Instant.now() : r.receivedAt();
    CompiledWorkflow workflow = workflows.apply(r.tenant());
    if (workflow != null && !workflow.isRunnable()) {
      deadLetter(c, raw, DeadLetters.WORKFLOW_UNAVAILABLE, String.join("; ", workflow.errors()));
      return;
    }
    boolean hasSteps = workflow != null && !workflow.steps().isEmpty();
    // Steps are plugin code: if they fail, undo this record's contact and conversation writes only.
    Savepoint beforeRecord = hasSteps ? c.setSavepoint() : null;
    UUID contactId = upsertContact(c, r.tenant(), phones.toE164(stripScheme(r.from())).orElse(r.from()), at);
    UUID conversationId = thread(c, r.tenant(), contactId, r.channel(), at);
    var s = sentiment.analyze(r.text());
    Map<String, Object> sentimentSignal = new LinkedHashMap<>();
    sentimentSignal.put("compound", round(s.compound()));
    sentimentSignal.put("positive", round(s.positive()));
    sentimentSignal.put("neutral", round(s.neutral()));
    sentimentSignal.put("negative", round(s.negative()));
    sentimentSignal.put("label", s.label());
    Map<String, Object> signals = Map.of("sentiment", sentimentSignal);

    UUID interactionId = Ids.newId();
    String signalsJson;
    try {
      if (hasSteps) {
        Interaction interaction = new Interaction(interactionId, r.tenant(), r.channel(), "inbound", contactId,
            conversationId, r.from(), r.to(), r.text(), at, r.attributes());
        signals = steps.run(workflow.steps(), interaction, signals, false);
      }
      signalsJson = Json.write(signals);
    } catch (StepFailedException | IllegalArgumentException e) {
      if (beforeRecord != null) {
        c.rollback(beforeRecord);
      }
      deadLetter(c, raw, DeadLetters.STEP_FAILED, e instanceof StepFailedException ? e.getMessage()
          : "a workflow step produced signals that are not JSON: " + e.getMessage());
      return;
    }
    try (PreparedStatement ps = c.prepareStatement("""
        insert into interactions (id, tenant_id, conversation_id, contact_id, channel, direction, connector,
          provider_message_id, from_address, to_address, text, media, attributes, signals, received_at)
        values (?, ?, ?, ?, ?, 'inbound', ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?)""")) {
      ps.setObject(1, interactionId);
      ps.setString(2, r.tenant());
      ps.setObject(3, conversationId);
      ps.setObject(4, contactId);
      ps.setString(5, r.channel());
      ps.setString(6, r.connector());
      ps.setString(7, r.providerMessageId());
      ps.setString(8, r.from());
      ps.setString(9, r.to());
      ps.setString(10, r.text() == null ? "" : r.text());
      ps.setString(11, Json.write(r.media() == null ? List.of() : r.media()));
      ps.setString(12, Json.write(r.attributes() == null ? Map.of() : r.attributes()));
      ps.setString(13, signalsJson);
      ps.setTimestamp(14, Timestamp.from(at));
      ps.executeUpdate();
    }

    UUID eventId = Ids.newId();
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", eventId);
    event.put("type", INTERACTION_RECEIVED);
    event.put("tenant", r.tenant());
    event.put("interactionId", interactionId);
    event.put("contactId", contactId);
    event.put("conversationId", conversationId);
    event.put("channel", r.channel());
    event.put("from", r.from());
    event.put("text", r.text());
    event.put("signals", signals);
    event.put("occurredAt", at.toString());
    event.put("correlationId", r.correlationId());
    String payload = Json.write(event);
    try (PreparedStatement ps = c.prepareStatement(
        "insert into events (id, tenant_id, type, subject_id, payload) values (?, ?, ?, ?, ?::jsonb)")) {
      ps.setObject(1, eventId);
      ps.setString(2, r.tenant());
      ps.setString(3, INTERACTION_RECEIVED);
      ps.setObject(4, interactionId);
      ps.setString(5, payload);
      ps.executeUpdate();
    }
    events.add(new Spine.Message(Spine.EVENTS_TOPIC, r.tenant() + "/" + conversationId, payload));
    stored.put(dedupeKey(r.tenant(), r.connector(), r.providerMessageId()), payload);
  }

  private static String dedupeKey(String tenant, String connector, String providerMessageId) {
    return tenant + '\u0000' + connector + '\u0000' + providerMessageId;
  }

  /**
   * The stored events of the batch's interactions that already exist (redeliveries), in one query
   * for the whole batch: one round trip instead of one per record, and whatever plan PostgreSQL
   * picks for it runs once per batch.
   */
  private static Map<String, String> existingEvents(Connection c, List<Raw> batch) throws SQLException {
    List<String> tenants = new ArrayList<>(batch.size());
    List<String> connectors = new ArrayList<>(batch.size());
    List<String> ids = new ArrayList<>(batch.size());
    for (Raw raw : batch) {
      try {
        InboundRecord r = Json.MAPPER.readValue(raw.value(), InboundRecord.class);
        if (r.tenant() != null && r.connector() != null && r.providerMessageId() != null) {
          tenants.add(r.tenant());
          connectors.add(r.connector());
          ids.add(r.providerMessageId());
        }
      } catch (JsonProcessingException e) {
        // dead-lettered when the record itself is written
      }
    }
    Map<String, String> out = new java.util.HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement("""
        select i.tenant_id, i.connector, i.provider_message_id, e.payload::text
          from unnest(?::text[], ?::text[], ?::text[]) as k(tenant_id, connector, provider_message_id)
          join interactions i on i.tenant_id = k.tenant_id and i.connector = k.connector
                             and i.provider_message_id = k.provider_message_id
          join events e on e.tenant_id = i.tenant_id and e.subject_id = i.id and e.type = ?""")) {
      ps.setArray(1, c.createArrayOf("text", tenants.toArray()));
      ps.setArray(2, c.createArrayOf("text", connectors.toArray()));
      ps.setArray(3, c.createArrayOf("text", ids.toArray()));
      ps.setString(4, INTERACTION_RECEIVED);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(dedupeKey(rs.getString(1), rs.getString(2), rs.getString(3)), rs.getString(4));
        }
      }
    }
    return out;
  }

  private static String eventKey(String payload) {
    try {
      var n = Json.MAPPER.readTree(payload);
      return n.path("tenant").asText() + "/" + n.path("conversationId").asText();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored event is not JSON", e);
    }
  }

  private static UUID upsertContact(Connection c, String tenant, String phone, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        insert into contacts (id, tenant_id, phone, created_at, updated_at) values (?, ?, ?, ?, ?)
        on conflict (tenant_id, phone) where phone is not null
        do update set updated_at = greatest(contacts.updated_at, excluded.updated_at)
        returning id""")) {
      ps.setObject(1, Ids.newId());
      ps.setString(2, tenant);
      ps.setString(3, phone);
      ps.setTimestamp(4, Timestamp.from(at));
      ps.setTimestamp(5, Timestamp.from(at));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getObject(1, UUID.class);
      }
    }
  }

  /** The open conversation on this channel active within the window, or a new one. */
  private UUID thread(Connection c, String tenant, UUID contactId, String channel, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        select id from conversations
         where tenant_id = ? and contact_id = ? and channel = ? and status = 'open' and last_activity_at > ?
         order by last_activity_at desc limit 1 for update""")) {
      ps.setString(1, tenant);
      ps.setObject(2, contactId);
      ps.setString(3, channel);
      ps.setTimestamp(4, Timestamp.from(at.minus(conversationWindow)));
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          UUID id = rs.getObject(1, UUID.class);
          try (PreparedStatement up = c.prepareStatement(
              "update conversations set last_activity_at = greatest(last_activity_at, ?) where tenant_id = ? and id = ?")) {
            up.setTimestamp(1, Timestamp.from(at));
            up.setString(2, tenant);
            up.setObject(3, id);
            up.executeUpdate();
          }
          return id;
        }
      }
    }
    UUID id = Ids.newId();
    try (PreparedStatement ps = c.prepareStatement("""
        insert into conversations (id, tenant_id, contact_id, channel, status, started_at, last_activity_at)
        values (?, ?, ?, ?, 'open', ?, ?)""")) {
      ps.setObject(1, id);
      ps.setString(2, tenant);
      ps.setObject(3, contactId);
      ps.setString(4, channel);
      ps.setTimestamp(5, Timestamp.from(at));
      ps.setTimestamp(6, Timestamp.from(at));
      ps.executeUpdate();
    }
    return id;
  }

  private static void deadLetter(Connection c, Raw raw, String kind, String reason) throws SQLException {
    LOG.warn("Dead-lettered inbound record from {} ({}): {}", raw.source(), kind, reason);
    String key = raw.key() == null ? "" : raw.key();
    String tenant = key.contains("/") ? key.substring(0, key.indexOf('/')) : "unknown";
    try (PreparedStatement ps = c.prepareStatement(
        "insert into dead_letters (id, tenant_id, source, reason, payload, kind) values (?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, Ids.newId());
      ps.setString(2, tenant);
      ps.setString(3, raw.source());
      ps.setString(4, reason);
      ps.setString(5, raw.value() == null ? "" : raw.value());
      ps.setString(6, kind);
      ps.executeUpdate();
    }
  }

  private static String stripScheme(String address) {
    int colon = address.indexOf(':');
    return colon > 0 && !address.startsWith("+") ? address.substring(colon + 1) : address;
  }

  private static double round(double v) {
    return Math.round(v * 10_000d) / 10_000d;
  }

  static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return e instanceof java.sql.SQLTransientConnectionException || (state != null && state.startsWith("08"));
  }
}
