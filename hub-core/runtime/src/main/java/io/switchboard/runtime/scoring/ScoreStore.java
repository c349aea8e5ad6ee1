package io.switchboard.runtime.scoring;

import io.switchboard.runtime.spine.Spine;
import io.switchboard.runtime.util.Ids;
import io.switchboard.runtime.util.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the contact activity scores are computed from and stores the scores: the current score per
 * kind, the history of its changes, {@code health.changed} events and the alert actions they raise.
 * Works on the caller's connection and transaction, so a score is stored with its interaction or
 * not at all.
 */
public final class ScoreStore {

  public static final String HEALTH_CHANGED = "health.changed";

  /**
   * The activity of these contacts before {@code now}, in two queries for the whole set.
   *
   * @return an entry for every contact asked for ({@link Activity#NONE}-like for new ones)
   */
  public Map<UUID, Activity> activity(Connection c, String tenant, Collection<UUID> contacts, Instant now) throws SQLException {
    Map<UUID, Activity> out = new HashMap<>();
    if (contacts.isEmpty()) {
      return out;
    }
    Object[] ids = contacts.stream().distinct().toArray();
    try (PreparedStatement ps = c.prepareStatement("""
        select k.id, l.last_at, a.n7, a.n30, a.s7, a.s30, a.support30
          from unnest(?::uuid[]) as k(id)
          left join lateral (select max(received_at) as last_at from interactions
                              where tenant_id = ? and contact_id = k.id and received_at < ?) l on true
          left join lateral (
            select count(*) filter (where received_at > ?) as n7,
                   count(*) as n30,
                   avg((signals #>> '{sentiment,compound}')::float8) filter (where received_at > ?) as s7,
                   avg((signals #>> '{sentiment,compound}')::float8) as s30,
                   count(*) filter (where signals -> 'tags' @> '["support"]'::jsonb) as support30
              from interactions
             where tenant_id = ? and contact_id = k.id and received_at > ? and received_at < ?) a on true""")) {
      Timestamp at = Timestamp.from(now);
      Timestamp d7 = Timestamp.from(now.minus(7, ChronoUnit.DAYS));
      Timestamp d30 = Timestamp.from(now.minus(30, ChronoUnit.DAYS));
      ps.setArray(1, c.createArrayOf("uuid", ids));
      ps.setString(2, tenant);
      ps.setTimestamp(3, at);
      ps.setTimestamp(4, d7);
      ps.setTimestamp(5, d7);
      ps.setString(6, tenant);
      ps.setTimestamp(7, d30);
      ps.setTimestamp(8, at);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp last = rs.getTimestamp(2);
          out.put(rs.getObject(1, UUID.class), new Activity(rs.getInt(3), rs.getInt(4),
              last == null ? null : last.toInstant(), round(rs.getObject(5)), round(rs.getObject(6)), rs.getInt(7),
              null, null, null));
        }
      }
    }
    try (PreparedStatement ps = c.prepareStatement(
        "select contact_id, kind, score, level from contact_scores where tenant_id = ? and contact_id = any(?::uuid[])")) {
      ps.setString(1, tenant);
      ps.setArray(2, c.createArrayOf("uuid", ids));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          UUID id = rs.getObject(1, UUID.class);
          Activity a = out.getOrDefault(id, Activity.NONE);
          out.put(id, Score.LEAD.equals(rs.getString(2))
              ? new Activity(a.interactions7d(), a.interactions30d(), a.lastInteractionAt(), a.sentiment7d(), a.sentiment30d(),
                  a.support30d(), rs.getInt(3), a.healthScore(), a.healthLevel())
              : new Activity(a.interactions7d(), a.interactions30d(), a.lastInteractionAt(), a.sentiment7d(), a.sentiment30d(),
                  a.support30d(), a.leadScore(), rs.getInt(3), rs.getString(4)));
        }
      }
    }
    return out;
  }

  private static Double round(Object v) {
    return v instanceof Number n ? Math.round(n.doubleValue() * 10000) / 10000.0 : null;
  }

  /**
   * Stores a score: the contact's current score of its kind, a history row when it changed, and,
   * for health, a {@code health.changed} event and the alerts of the new level when the level moved
   * (or when a new contact's first level is not healthy).
   *
   * @param interactionId the interaction it was computed for; null for a scheduled recalculation
   * @param alerts the tenant's health alerts, by level
   * @return the events to publish after commit
   */
  public List<Spine.Message> record(Connection c, String tenant, UUID contactId, UUID interactionId, Score score,
      String reason, Instant at, java.util.function.Function<String, List<HealthScoring.Alert>> alerts) throws SQLException {
    // One round trip: read the current score (locked), replace it, and add a history row when it
    // changed. The statements of a WITH see one snapshot, so 'prev' is the score before the upsert.
    Integer prevScore = null;
    String prevLevel = null;
    String factors = Json.write(score.factors().stream().map(Factor::asMap).toList());
    try (PreparedStatement ps = c.prepareStatement("""
        with prev as (
          select score, level from contact_scores where tenant_id = ? and contact_id = ?::uuid and kind = ? for update),
        up as (
          insert into contact_scores (tenant_id, contact_id, kind, score, level, factors, computed_at)
          values (?, ?::uuid, ?, ?, ?, ?::jsonb, ?)
          on conflict (tenant_id, contact_id, kind) do update
            set score = excluded.score, level = excluded.level, factors = excluded.factors, computed_at = excluded.computed_at),
        hist as (
          insert into score_history (id, tenant_id, contact_id, kind, score, level, previous_score, previous_level, factors,
            interaction_id, reason, computed_at)
          select ?::uuid, ?, ?::uuid, ?, ?, ?, p.score, p.level, ?::jsonb, ?::uuid, ?, ?
            from (values (1)) as one (x) left join prev p on true
           where p.score is null or p.score <> ? or p.level is distinct from ?::text)
        select score, level from prev""")) {
      Timestamp when = Timestamp.from(at);
      int i = 1;
      ps.setString(i++, tenant);
      ps.setString(i++, contactId.toString());
      ps.setString(i++, score.kind());
      ps.setString(i++, tenant);
      ps.setString(i++, contactId.toString());
      ps.setString(i++, score.kind());
      ps.setInt(i++, score.score());
      ps.setString(i++, score.level());
      ps.setString(i++, factors);
      ps.setTimestamp(i++, when);
      ps.setString(i++, Ids.newId().toString());
      ps.setString(i++, tenant);
      ps.setString(i++, contactId.toString());
      ps.setString(i++, score.kind());
      ps.setInt(i++, score.score());
      ps.setString(i++, score.level());
      ps.setString(i++, factors);
      ps.setString(i++, interactionId == null ? null : interactionId.toString());
      ps.setString(i++, reason);
      ps.setTimestamp(i++, when);
      ps.setInt(i++, score.score());
      ps.setString(i, score.level());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          prevScore = rs.getInt(1);
          prevLevel = rs.getString(2);
        }
      }
    }
    boolean levelMoved = Score.HEALTH.equals(score.kind()) && (prevLevel == null
        ? !HealthScoring.HEALTHY.equals(score.level())
        : !prevLevel.equals(score.level()));
    if (!levelMoved) {
      return List.of();
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("contactId", contactId);
    fields.put("score", score.score());
    fields.put("level", score.level());
    fields.put("previousScore", prevScore);
    fields.put("previousLevel", prevLevel);
    fields.put("factors", score.factors().stream().map(Factor::asMap).toList());
    fields.put("interactionId", interactionId);
    fields.put("reason", reason);
    Appended appended = appendEvent(c, tenant, HEALTH_CHANGED, contactId, fields, at);
    Map<String, Object> event = appended.event();
    for (HealthScoring.Alert a : alerts.apply(score.level())) {
      Map<String, Object> action = new LinkedHashMap<>();
      action.put("url", a.url());
      action.put("secret", a.secret());
      action.put("body", event);
      insertAction(c, tenant, interactionId, "score.health", "webhook", action);
    }
    return List.of(appended.message());
  }

  /**
   * Appends a domain event {@code {id, type, tenant, <fields>, occurredAt}} about {@code subject}.
   *
   * @return the event and its message to publish on the events topic once the transaction has committed
   */
  public static Appended appendEvent(Connection c, String tenant, String type, UUID subject, Map<String, Object> fields,
      Instant at) throws SQLException {
    UUID id = Ids.newId();
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", id);
    event.put("type", type);
    event.put("tenant", tenant);
    event.putAll(fields);
    event.put("occurredAt", at.toString());
    String payload = Json.write(event);
    insertEvent(c, id, tenant, type, subject, payload);
    return new Appended(event, new Spine.Message(Spine.EVENTS_TOPIC, tenant + "/" + subject, payload));
  }

  /** An appended event and its message for the events topic. */
  public record Appended(Map<String, Object> event, Spine.Message message) {}

  /** Appends a domain event. */
  public static void insertEvent(Connection c, UUID id, String tenant, String type, UUID subject, String payload)
      throws SQLException {
    try (PreparedStatement ev = c.prepareStatement(
        "insert into events (id, tenant_id, type, subject_id, payload) values (?, ?, ?, ?, ?::jsonb)")) {
      ev.setObject(1, id);
      ev.setString(2, tenant);
      ev.setString(3, type);
      ev.setObject(4, subject);
      ev.setString(5, payload);
      ev.executeUpdate();
    }
  }

  /** Queues an action for the dispatcher, as a step's requested actions are. */
  public static void insertAction(Connection c, String tenant, UUID interactionId, String node, String type,
      Map<String, Object> payload) throws SQLException {
    try (PreparedStatement act = c.prepareStatement(
        "insert into actions (id, tenant_id, interaction_id, node, type, payload) values (?, ?, ?, ?, ?, ?::jsonb)")) {
      act.setObject(1, Ids.newId());
      act.setString(2, tenant);
      act.setObject(3, interactionId);
      act.setString(4, node);
      act.setString(5, type);
      act.setString(6, Json.write(payload));
      act.executeUpdate();
    }
  }
}
