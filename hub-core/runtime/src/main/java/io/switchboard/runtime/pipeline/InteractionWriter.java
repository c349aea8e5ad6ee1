package io.switchboard.runtime.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.api.Contact;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.Interaction;
import io.switchboard.runtime.scoring.Activity;
import io.switchboard.runtime.scoring.Score;
import io.switchboard.runtime.scoring.Scoring;
import io.switchboard.runtime.scoring.Surveys;
import io.switchboard.runtime.spine.Spine;
import io.switchboard.runtime.tenant.TenantFile;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantRegistry;
import io.switchboard.runtime.util.Ids;
import io.switchboard.runtime.util.Json;
import io.switchboard.runtime.workflow.CompiledWorkflow;
import io.switchboard.runtime.workflow.TenantWorkflows;
import io.switchboard.runtime.workflow.WorkflowItem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a batch of inbound records into stored interactions, in one transaction: upserts each
 * contact, threads each conversation, runs each tenant's workflow once over that tenant's records,
 * and writes the interactions with their signals, trace, {@code interaction.received} events and
 * requested actions; delivery receipts and contact updates are applied by {@link Updates}. Returns
 * the events to publish once the transaction has committed.
 *
 * <p>A record whose workflow fails is dead-lettered and the batch is written again without it, so
 * nothing of a failed record (its contact, its conversation, its actions) is half-written. A record
 * for a tenant that is gone, or whose workflow cannot run, is parked for replay.
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
  private final Duration conversationWindow;
  private final Supplier<TenantRegistry> tenants;
  private final TenantWorkflows workflows;
  private final Scoring scoring;
  private final Updates updates;

  public InteractionWriter(DataSource dataSource, PhoneNumbers phones, Duration conversationWindow,
      Supplier<TenantRegistry> tenants, TenantWorkflows workflows, Scoring scoring) {
    this.dataSource = dataSource;
    this.phones = phones;
    this.conversationWindow = conversationWindow;
    this.tenants = tenants;
    this.workflows = workflows;
    this.scoring = scoring;
    this.updates = new Updates(phones);
  }

  /** One raw record from Kafka: its key, JSON value and where it came from (for dead letters). */
  public record Raw(String key, String value, String source) {}

  /** A record on its way to being stored. */
  private static final class Pending {
    final Raw raw;
    final InboundRecord record;
    final Instant at;
    Tenant tenant;
    Contact contact;
    Interaction interaction;
    WorkflowItem item;
    UUID conversationId;
    TenantWorkflows.Ran ran;

    Pending(Raw raw, InboundRecord record) {
      this.raw = raw;
      this.record = record;
      this.at = record.receivedAt() == null ? Instant.now() : record.receivedAt();
    }
  }

  /**
   * Writes a batch in one transaction. A record that is not valid JSON, or that fails on its own,
   * goes to the dead-letter table instead of blocking the batch.
   *
   * @return the events to publish, in order
   * @throws SQLException when the database itself fails; nothing of the batch is then stored
   * @throws InterruptedException when the hub is stopping; nothing of the batch is then stored
   */
  public List<Spine.Message> write(List<Raw> batch) throws SQLException, InterruptedException {
    Map<Raw, String> failed = new HashMap<>();
    while (true) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try {
          List<Spine.Message> events = new ArrayList<>(batch.size());
          Map<Raw, String> newlyFailed = writeBatch(c, batch, failed, events);
          if (newlyFailed.isEmpty()) {
            c.commit();
            return events;
          }
          // Undo the whole batch and write it again with the failed records dead-lettered, so that
          // nothing of theirs (contact, conversation, actions) remains.
          c.rollback();
          failed.putAll(newlyFailed);
          continue;
        } catch (SQLException e) {
          c.rollback();
          if (batch.size() == 1 || isConnectionFailure(e)) {
            throw e;
          }
          LOG.warn("Batch of {} failed ({}); retrying record by record", batch.size(), e.getMessage());
        } catch (InterruptedException | RuntimeException e) {
          c.rollback();
          throw e;
        }
      }
      return writeEach(batch);
    }
  }

  private List<Spine.Message> writeEach(List<Raw> batch) throws SQLException, InterruptedException {
    List<Spine.Message> events = new ArrayList<>();
    for (Raw raw : batch) {
      events.addAll(write(List.of(raw)));
    }
    return events;
  }

  /**
   * Writes the batch on {@code c} without committing.
   *
   * @param failed records known to fail their workflow: dead-lettered with their reason
   * @return records whose workflow failed in this pass, with why; when not empty the caller rolls back
   */
  private Map<Raw, String> writeBatch(Connection c, List<Raw> batch, Map<Raw, String> failed, List<Spine.Message> events)
      throws SQLException, InterruptedException {
    TenantRegistry registry = tenants.get();
    List<Pending> pending = new ArrayList<>();
    List<InboundRecord> parsed = new ArrayList<>();
    for (Raw raw : batch) {
      parsed.add(parse(raw));
    }
    Map<String, String> stored = existingEvents(c, parsed);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < batch.size(); i++) {
      Raw raw = batch.get(i);
      InboundRecord r = parsed.get(i);
      if (failed.containsKey(raw)) {
        deadLetter(c, raw, DeadLetters.STEP_FAILED, failed.get(raw));
        continue;
      }
      if (r == null) {
        deadLetter(c, raw, DeadLetters.INVALID_RECORD, invalidReason(raw));
        continue;
      }
      String key = dedupeKey(r.tenant(), r.connector(), r.providerMessageId());
      String existing = stored.get(key);
      if (existing != null) {
        LOG.debug("Interaction {} of tenant {} already stored; republishing its event", r.providerMessageId(), r.tenant());
        events.add(new Spine.Message(Spine.EVENTS_TOPIC, eventKey(existing), existing));
        continue;
      }
      if (!seen.add(key)) {
        continue; // a second copy in the same batch: the first is stored and published
      }
      Optional<Tenant> tenant = registry.find(r.tenant());
      if (tenant.isEmpty()) {
        deadLetter(c, raw, DeadLetters.TENANT_DISABLED, "tenant '" + r.tenant()
            + "' is not configured on this hub (its file was removed); the record is replayed if it comes back");
        continue;
      }
      if (r.kind() != InboundMessage.Kind.MESSAGE) {
        // receipts and contact updates run no workflow: applied here, in the batch's transaction
        updates.apply(c, raw, r, events);
        continue;
      }
      CompiledWorkflow w = workflows.workflow(r.tenant());
      if (w == null || !w.isRunnable()) {
        deadLetter(c, raw, DeadLetters.WORKFLOW_UNAVAILABLE, w == null
            ? "tenant '" + r.tenant() + "' has no workflow loaded yet"
            : "tenant '" + r.tenant() + "' workflow cannot run: " + String.join("; ", w.errors()));
        continue;
      }
      Pending p = new Pending(raw, r);
      p.tenant = tenant.get();
      p.contact = upsertContact(c, r.tenant(), phones.contactAddress(r.from()), p.at);
      p.conversationId = thread(c, r.tenant(), p.contact.id(), r.channel(), p.at);
      p.interaction = new Interaction(Ids.newId(), r.tenant(), r.channel(), "inbound", p.contact.id(),
          p.conversationId, r.from(), r.to(), r.text(), p.at, r.attributes());
      pending.add(p);
    }
    Map<String, List<Pending>> byTenant = new LinkedHashMap<>();
    for (Pending p : pending) {
      byTenant.computeIfAbsent(p.record.tenant(), t -> new ArrayList<>()).add(p);
    }
    for (List<Pending> group : byTenant.values()) {
      prepare(c, group);
    }
    Map<Raw, String> newlyFailed = new HashMap<>();
    List<Pending> toStore = new ArrayList<>();
    for (Map.Entry<String, List<Pending>> t : byTenant.entrySet()) {
      List<WorkflowItem> items = t.getValue().stream().map(p -> p.item).toList();
      Optional<TenantWorkflows.Ran> ran = workflows.run(t.getKey(), items, false);
      if (ran.isEmpty()) {
        // the workflow stopped being runnable after the check above: park these, undoing their writes
        for (Pending p : t.getValue()) {
          newlyFailed.put(p.raw, "tenant '" + t.getKey() + "' workflow became unavailable");
        }
        continue;
      }
      for (Pending p : t.getValue()) {
        p.ran = ran.get();
        if (p.item.failure() != null) {
          newlyFailed.put(p.raw, p.item.failure().getMessage());
        } else {
          toStore.add(p);
        }
      }
    }
    if (!newlyFailed.isEmpty()) {
      return newlyFailed;
    }
    insert(c, toStore, events);
    recordScores(c, toStore, events);
    return Map.of();
  }

  /**
   * Gives each record of one tenant its workflow item: the contact as the workflow sees it, with
   * its activity and current scores when the workflow scores contacts (one query for the group),
   * and a survey answer taken when the record answers the contact's pending NPS survey.
   */
  private void prepare(Connection c, List<Pending> group) throws SQLException {
    Tenant tenant = group.get(0).tenant;
    Scoring.Models models = scoring.models(tenant);
    TenantFile.Surveys surveys = tenant.schedules().surveys();
    Map<UUID, Activity> activity = Map.of();
    if (models.any()) {
      Instant until = group.stream().map(p -> p.at).max(Instant::compareTo).orElseThrow();
      activity = scoring.store().activity(c, tenant.id(), group.stream().map(p -> p.contact.id()).toList(), until);
    }
    for (Pending p : group) {
      Map<String, Object> attributes = new LinkedHashMap<>(p.contact.attributes());
      Map<String, Object> signals = new LinkedHashMap<>();
      if (surveys != null) {
        Optional<Integer> answer = Surveys.parseAnswer(p.record.text());
        if (answer.isPresent()) {
          Optional<UUID> survey = Surveys.pending(c, tenant.id(), p.contact.id(), p.at, Duration.ofHours(surveys.answerHours()));
          if (survey.isPresent()) {
            Map<String, Object> nps = Surveys.answer(c, tenant.id(), survey.get(), p.contact.id(), answer.get(),
                p.interaction.id(), p.at);
            attributes.put("nps", nps);
            signals.put("survey", Map.of("surveyId", survey.get().toString(), "score", answer.get(),
                "category", Surveys.category(answer.get())));
          }
        }
      }
      if (models.any()) {
        Activity a = activity.getOrDefault(p.contact.id(), Activity.NONE);
        attributes.put("activity", a.asAttributes(p.at));
        attributes.put("scores", a.scoresAsAttributes());
      }
      Contact contact = new Contact(p.contact.id(), p.contact.phone(), p.contact.email(), p.contact.displayName(), attributes);
      p.item = new WorkflowItem(p.interaction, contact, p.record.connector(), tenant.variables(), signals);
    }
  }

  /** Stores the scores the workflow computed ({@code signals.scores}) in each contact's history. */
  private void recordScores(Connection c, List<Pending> stored, List<Spine.Message> events) throws SQLException {
    for (Pending p : stored) {
      if (!(p.item.signals().get("scores") instanceof Map<?, ?> scores)) {
        continue;
      }
      Scoring.Models models = scoring.models(p.tenant);
      for (String kind : List.of(Score.LEAD, Score.HEALTH)) {
        Score s = Score.fromSignal(kind, scores.get(kind));
        if (s != null) {
          events.addAll(scoring.store().record(c, p.tenant.id(), p.interaction.contactId(), p.interaction.id(), s,
              "interaction", p.at, models::alertsFor));
        }
      }
    }
  }

  private static InboundRecord parse(Raw raw) {
    try {
      InboundRecord r = Json.MAPPER.readValue(raw.value(), InboundRecord.class);
      if (r.tenant() == null || r.providerMessageId() == null || r.from() == null || r.channel() == null) {
        return null;
      }
      return r;
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return null;
    }
  }

  private static String invalidReason(Raw raw) {
    try {
      Json.MAPPER.readValue(raw.value(), InboundRecord.class);
      return "inbound record lacks tenant, channel, providerMessageId or from";
    } catch (JsonProcessingException e) {
      return "not a valid inbound record: " + e.getOriginalMessage();
    } catch (IllegalArgumentException e) {
      return "not a valid inbound record: " + e.getMessage();
    }
  }

  private void insert(Connection c, List<Pending> records, List<Spine.Message> events) throws SQLException {
    if (records.isEmpty()) {
      return;
    }
    try (PreparedStatement ins = c.prepareStatement("""
            insert into interactions (id, tenant_id, conversation_id, contact_id, channel, direction, connector,
              provider_message_id, from_address, to_address, text, media, attributes, signals, workflow, received_at)
            values (?, ?, ?, ?, ?, 'inbound', ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?)""");
        PreparedStatement ev = c.prepareStatement(
            "insert into events (id, tenant_id, type, subject_id, payload) values (?, ?, ?, ?, ?::jsonb)");
        PreparedStatement act = c.prepareStatement("""
            insert into actions (id, tenant_id, interaction_id, node, type, payload) values (?, ?, ?, ?, ?, ?::jsonb)""")) {
      for (Pending p : records) {
        InboundRecord r = p.record;
        Interaction i = p.item.interaction();
        Map<String, Object> signals = p.item.signals();
        String signalsJson = Json.write(signals);
        ins.setObject(1, i.id());
        ins.setString(2, r.tenant());
        ins.setObject(3, i.conversationId());
        ins.setObject(4, i.contactId());
        ins.setString(5, r.channel());
        ins.setString(6, r.connector());
        ins.setString(7, r.providerMessageId());
        ins.setString(8, r.from());
        ins.setString(9, r.to());
        ins.setString(10, r.text() == null ? "" : r.text());
        ins.setString(11, Json.write(r.media() == null ? List.of() : r.media()));
        ins.setString(12, Json.write(r.attributes() == null ? Map.of() : r.attributes()));
        ins.setString(13, signalsJson);
        ins.setString(14, Json.write(workflowRecord(p)));
        ins.setTimestamp(15, Timestamp.from(p.at));
        ins.addBatch();

        UUID eventId = Ids.newId();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", eventId);
        event.put("type", INTERACTION_RECEIVED);
        event.put("tenant", r.tenant());
        event.put("interactionId", i.id());
        event.put("contactId", i.contactId());
        event.put("conversationId", i.conversationId());
        event.put("channel", r.channel());
        event.put("from", r.from());
        event.put("text", r.text());
        event.put("signals", signals);
        event.put("workflowVersion", p.ran.version());
        event.put("occurredAt", p.at.toString());
        event.put("correlationId", r.correlationId());
        String payload = Json.write(event);
        ev.setObject(1, eventId);
        ev.setString(2, r.tenant());
        ev.setString(3, INTERACTION_RECEIVED);
        ev.setObject(4, i.id());
        ev.setString(5, payload);
        ev.addBatch();
        events.add(new Spine.Message(Spine.EVENTS_TOPIC, r.tenant() + "/" + i.conversationId(), payload));

        for (WorkflowItem.Action a : p.item.actions()) {
          act.setObject(1, Ids.newId());
          act.setString(2, r.tenant());
          act.setObject(3, i.id());
          act.setString(4, a.node());
          act.setString(5, a.type());
          act.setString(6, Json.write(a.payload()));
          act.addBatch();
        }
      }
      ins.executeBatch();
      ev.executeBatch();
      act.executeBatch();
    }
  }

  /** What is stored of the workflow run: its version, the file's digest, the trace. */
  private static Map<String, Object> workflowRecord(Pending p) {
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("version", p.ran.version());
    w.put("digest", p.ran.digest());
    w.put("stopped", p.item.stopped());
    w.put("trace", p.item.trace());
    return w;
  }

  private static String dedupeKey(String tenant, String connector, String providerMessageId) {
    return tenant + '\u0000' + connector + '\u0000' + providerMessageId;
  }

  /**
   * The stored events of the batch's interactions that already exist (redeliveries), in one query
   * for the whole batch: one round trip instead of one per record, and whatever plan PostgreSQL
   * picks for it runs once per batch.
   */
  private static Map<String, String> existingEvents(Connection c, List<InboundRecord> batch) throws SQLException {
    List<String> tenants = new ArrayList<>(batch.size());
    List<String> connectors = new ArrayList<>(batch.size());
    List<String> ids = new ArrayList<>(batch.size());
    for (InboundRecord r : batch) {
      if (r != null && r.connector() != null) {
        tenants.add(r.tenant());
        connectors.add(r.connector());
        ids.add(r.providerMessageId());
      }
    }
    Map<String, String> out = new HashMap<>();
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

  static Contact upsertContact(Connection c, String tenant, String phone, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        insert into contacts (id, tenant_id, phone, created_at, updated_at) values (?, ?, ?, ?, ?)
        on conflict (tenant_id, phone) where phone is not null
        do update set updated_at = greatest(contacts.updated_at, excluded.updated_at)
        returning id, phone, email, display_name, attributes::text""")) {
      ps.setObject(1, Ids.newId());
      ps.setString(2, tenant);
      ps.setString(3, phone);
      ps.setTimestamp(4, Timestamp.from(at));
      ps.setTimestamp(5, Timestamp.from(at));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return contact(rs);
      }
    }
  }

  /** A contact from a row of (id, phone, email, display_name, attributes::text). */
  static Contact contact(ResultSet rs) throws SQLException {
    Map<String, Object> attributes;
    try {
      attributes = Json.MAPPER.readValue(rs.getString(5), Json.MAP);
    } catch (JsonProcessingException e) {
      throw new SQLException("contact attributes are not a JSON object", e);
    }
    return new Contact(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4), attributes);
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

  static void deadLetter(Connection c, Raw raw, String kind, String reason) throws SQLException {
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

  static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return e instanceof java.sql.SQLTransientConnectionException || (state != null && state.startsWith("08"));
  }
}
