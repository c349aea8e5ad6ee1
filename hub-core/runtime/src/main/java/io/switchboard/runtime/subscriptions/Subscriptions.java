package io.switchboard.runtime.subscriptions;

import io.switchboard.runtime.http.ApiError;
import io.switchboard.runtime.http.ReadApi;
import io.switchboard.runtime.util.Ids;
import io.switchboard.runtime.util.Json;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outgoing webhooks: a tenant's subscriptions (URL, event types, signing secret) and their
 * deliveries. {@link #fanout()} is the route that reads {@code switchboard.events} (consumer group
 * {@code switchboard-subscriptions}) and turns each event into one {@code delivery} action per
 * matching subscription, unique per subscription and event, so an event read twice is delivered
 * once; the action dispatcher performs them (signed, retried with exponential backoff) and
 * {@link #logAttempt} records every attempt. The API methods back
 * {@code /api/v1/tenants/{tenant}/subscriptions...}; every query filters on the tenant.
 */
public final class Subscriptions {

  private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);
  /** The event types the hub records; {@code *} subscribes to all of them. */
  public static final Set<String> EVENT_TYPES = Set.of("interaction.received", "message.status", "contact.updated",
      "health.changed", "lead.stale", "conversation.closed");
  public static final String ALL = "*";
  static final int MAX_EXCERPT = 500;

  private final DataSource dataSource;
  private final Runnable wakeDispatcher;
  private final SecureRandom random = new SecureRandom();

  public Subscriptions(DataSource dataSource, Runnable wakeDispatcher) {
    this.dataSource = dataSource;
    this.wakeDispatcher = wakeDispatcher;
  }

  /** A subscription the dispatcher delivers to. */
  public record Target(String url, String secret, boolean enabled) {}

  // ---- fan-out ----------------------------------------------------------------------------

  /** The route that turns the tenants' events into deliveries (started once the spine is up). */
  public RouteBuilder fanout() {
    return new RouteBuilder() {
      @Override
      public void configure() {
        from("kafka:switchboard.events?brokers={{switchboard.kafka.brokers}}&groupId=switchboard-subscriptions"
            // earliest: the group's first start misses nothing; a subscription only gets events
            // recorded after it was created (the join below), so no backlog floods a new one
            + "&autoOffsetReset=earliest&breakOnFirstError=true")
            .routeId("subscriptions-fanout")
            .process(e -> fanOut(e.getMessage().getBody(String.class)));
      }
    };
  }

  /** One event: a delivery for every enabled subscription of its tenant to its type. */
  void fanOut(String eventJson) throws Exception {
    var event = Json.MAPPER.readTree(eventJson);
    String tenant = event.path("tenant").asText(null);
    String type = event.path("type").asText(null);
    String eventId = event.path("id").asText(null);
    if (tenant == null || type == null || eventId == null || !isUuid(eventId)) {
      // not one of the hub's events (they all have these): nothing to deliver, and it must not block the topic
      LOG.debug("Event without tenant, type or id skipped by the subscriptions");
      return;
    }
    int created = 0;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("""
            insert into actions (id, tenant_id, node, type, payload)
            select gen_random_uuid(), s.tenant_id, 'subscriptions', 'delivery',
                   jsonb_build_object('subscriptionId', s.id::text, 'eventId', ?::text, 'eventType', ?::text, 'event', ?::jsonb)
              from subscriptions s
              join events e on e.tenant_id = s.tenant_id and e.id = ?::uuid
             where s.tenant_id = ? and s.enabled and (? = any (s.events) or '*' = any (s.events))
               and e.created_at >= s.created_at
            on conflict do nothing""")) {
      ps.setString(1, eventId);
      ps.setString(2, type);
      ps.setString(3, eventJson);
      ps.setString(4, eventId);
      ps.setString(5, tenant);
      ps.setString(6, type);
      created = ps.executeUpdate();
    }
    if (created > 0) {
      wakeDispatcher.run();
    }
  }

  // ---- delivery support ---------------------------------------------------------------------

  /** The subscription a delivery goes to, or null when it was deleted. */
  public Target target(String tenant, String subscriptionId) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select url, secret, enabled from subscriptions where tenant_id = ? and id = ?::uuid")) {
      ps.setString(1, tenant);
      ps.setString(2, subscriptionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? new Target(rs.getString(1), rs.getString(2), rs.getBoolean(3)) : null;
      }
    }
  }

  /** Records one attempt of a delivery: the receiver's status (null when unreachable), how long it took. */
  public void logAttempt(String tenant, UUID deliveryId, Integer status, long latencyMs, String error, String response) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
        insert into delivery_attempts (tenant_id, delivery_id, status_code, latency_ms, error, response_excerpt)
        values (?, ?, ?, ?, ?, ?)""")) {
      ps.setString(1, tenant);
      ps.setObject(2, deliveryId);
      ps.setObject(3, status);
      ps.setInt(4, (int) Math.min(Integer.MAX_VALUE, latencyMs));
      ps.setString(5, error);
      ps.setString(6, response == null ? null : response.length() > MAX_EXCERPT ? response.substring(0, MAX_EXCERPT) : response);
      ps.executeUpdate();
    } catch (SQLException e) {
      LOG.warn("Could not log an attempt of delivery {}: {}", deliveryId, e.toString());
    }
  }

  // ---- API ------------------------------------------------------------------------------------

  /** Creates a subscription; the answer is the only place its secret is ever shown. */
  public Map<String, Object> create(String tenant, Map<String, Object> body) {
    String url = url(body.get("url"));
    List<String> events = events(body.get("events"));
    String description = description(body.get("description"));
    String secret = "whsec_" + HexFormat.of().formatHex(randomBytes(24));
    UUID id = Ids.newId();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
        insert into subscriptions (id, tenant_id, url, events, description, secret) values (?, ?, ?, ?, ?, ?)""")) {
      ps.setObject(1, id);
      ps.setString(2, tenant);
      ps.setString(3, url);
      ps.setArray(4, c.createArrayOf("text", events.toArray()));
      ps.setString(5, description);
      ps.setString(6, secret);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw unavailable();
    }
    Map<String, Object> out = get(tenant, id.toString());
    out.put("secret", secret);
    return out;
  }

  public Map<String, Object> list(String tenant, String limitParam, String cursorParam) {
    int limit = ReadApi.parseLimit(limitParam);
    ReadApi.Cursor cursor = cursorParam == null || cursorParam.isEmpty() ? null : ReadApi.Cursor.decode(cursorParam);
    List<Map<String, Object>> items = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select " + COLUMNS + " from subscriptions where tenant_id = ?"
            + (cursor == null ? "" : " and (created_at, id) < (?, ?)") + " order by created_at desc, id desc limit ?")) {
      int i = 1;
      ps.setString(i++, tenant);
      if (cursor != null) {
        ps.setTimestamp(i++, Timestamp.from(cursor.receivedAt()));
        ps.setObject(i++, cursor.id());
      }
      ps.setInt(i, limit + 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          items.add(row(rs));
        }
      }
    } catch (SQLException e) {
      throw unavailable();
    }
    return page(items, limit);
  }

  public Map<String, Object> get(String tenant, String id) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select " + COLUMNS + " from subscriptions where tenant_id = ? and id = ?")) {
      ps.setString(1, tenant);
      ps.setObject(2, uuid(id));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw notFound(id);
        }
        return row(rs);
      }
    } catch (SQLException e) {
      throw unavailable();
    }
  }

  /** Changes url, events, description or enabled; the others stay. */
  public Map<String, Object> update(String tenant, String id, Map<String, Object> body) {
    Set<String> known = Set.of("url", "events", "description", "enabled");
    for (String k : body.keySet()) {
      if (!known.contains(k)) {
        throw ApiError.badRequest("unknown_field", "field '" + k + "' cannot be changed; send any of " + known);
      }
    }
    get(tenant, id);
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
        update subscriptions set url = coalesce(?, url), events = coalesce(?, events),
               description = case when ? then ? else description end, enabled = coalesce(?, enabled), updated_at = now()
         where tenant_id = ? and id = ?""")) {
      ps.setString(1, body.containsKey("url") ? url(body.get("url")) : null);
      Array events = body.containsKey("events") ? c.createArrayOf("text", events(body.get("events")).toArray()) : null;
      ps.setArray(2, events);
      ps.setBoolean(3, body.containsKey("description"));
      ps.setString(4, body.containsKey("description") ? description(body.get("description")) : null);
      Object enabled = body.get("enabled");
      if (enabled != null && !(enabled instanceof Boolean)) {
        throw ApiError.badRequest("invalid_field", "field 'enabled' must be true or false");
      }
      ps.setObject(5, enabled);
      ps.setString(6, tenant);
      ps.setObject(7, uuid(id));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw unavailable();
    }
    return get(tenant, id);
  }

  /** Deletes a subscription; its pending deliveries then fail ("subscription deleted"). */
  public void delete(String tenant, String id) {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "delete from subscriptions where tenant_id = ? and id = ?")) {
      ps.setString(1, tenant);
      ps.setObject(2, uuid(id));
      if (ps.executeUpdate() == 0) {
        throw notFound(id);
      }
    } catch (SQLException e) {
      throw unavailable();
    }
  }

  /** A new signing secret, shown once; deliveries from now on are signed with it. */
  public Map<String, Object> rotateSecret(String tenant, String id) {
    String secret = "whsec_" + HexFormat.of().formatHex(randomBytes(24));
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "update subscriptions set secret = ?, updated_at = now() where tenant_id = ? and id = ?")) {
      ps.setString(1, secret);
      ps.setString(2, tenant);
      ps.setObject(3, uuid(id));
      if (ps.executeUpdate() == 0) {
        throw notFound(id);
      }
    } catch (SQLException e) {
      throw unavailable();
    }
    Map<String, Object> out = get(tenant, id);
    out.put("secret", secret);
    return out;
  }

  /** A page of a subscription's deliveries, newest first, each with its attempts. */
  public Map<String, Object> deliveries(String tenant, String subscriptionId, String status, String limitParam,
      String cursorParam) {
    get(tenant, subscriptionId);
    if (status != null && !Set.of("pending", "done", "failed").contains(status)) {
      throw ApiError.badRequest("invalid_status", "status must be pending, done or failed, got '" + status + "'");
    }
    int limit = ReadApi.parseLimit(limitParam);
    ReadApi.Cursor cursor = cursorParam == null || cursorParam.isEmpty() ? null : ReadApi.Cursor.decode(cursorParam);
    List<Map<String, Object>> items = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("""
          select a.id, a.payload->>'eventId', a.payload->>'eventType', a.status, a.attempts, a.last_error,
                 a.next_attempt_at, a.created_at, a.done_at,
                 (select coalesce(json_agg(json_build_object('at', d.attempted_at, 'statusCode', d.status_code,
                         'latencyMs', d.latency_ms, 'error', d.error) order by d.attempted_at), '[]')
                    from delivery_attempts d where d.tenant_id = a.tenant_id and d.delivery_id = a.id)::text
            from actions a
           where a.tenant_id = ? and a.type = 'delivery' and a.payload->>'subscriptionId' = ?"""
          + (status == null ? "" : " and a.status = ?")
          + (cursor == null ? "" : " and (a.created_at, a.id) < (?, ?)")
          + " order by a.created_at desc, a.id desc limit ?")) {
        int i = 1;
        ps.setString(i++, tenant);
        ps.setString(i++, uuid(subscriptionId).toString());
        if (status != null) {
          ps.setString(i++, status);
        }
        if (cursor != null) {
          ps.setTimestamp(i++, Timestamp.from(cursor.receivedAt()));
          ps.setObject(i++, cursor.id());
        }
        ps.setInt(i, limit + 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", rs.getObject(1, UUID.class));
            d.put("eventId", rs.getString(2));
            d.put("eventType", rs.getString(3));
            d.put("status", rs.getString(4));
            d.put("attempts", rs.getInt(5));
            d.put("lastError", rs.getString(6));
            d.put("nextAttemptAt", "pending".equals(rs.getString(4)) ? rs.getTimestamp(7).toInstant().toString() : null);
            d.put("createdAt", rs.getTimestamp(8).toInstant().toString());
            Timestamp done = rs.getTimestamp(9);
            d.put("deliveredAt", done == null ? null : done.toInstant().toString());
            d.put("attemptLog", Json.MAPPER.readTree(rs.getString(10)));
            items.add(d);
          }
        }
      }
    } catch (SQLException e) {
      throw unavailable();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("stored attempts are not JSON", e);
    }
    return page(items, limit);
  }

  /**
   * Sends deliveries again now, whatever became of them: one ({@code deliveryId}), or every failed
   * one of a subscription since a time ({@code subscriptionId} and {@code since}).
   *
   * @return how many were queued again
   */
  public int replay(String tenant, String deliveryId, String subscriptionId, String since) {
    String sql;
    List<Object> args = new ArrayList<>();
    args.add(tenant);
    if (deliveryId != null) {
      sql = "update actions set status = 'pending', attempts = 0, next_attempt_at = now(), done_at = null"
          + " where tenant_id = ? and type = 'delivery' and id = ?";
      args.add(uuid(deliveryId));
    } else {
      get(tenant, subscriptionId);
      Instant from;
      try {
        from = since == null ? Instant.EPOCH : Instant.parse(since);
      } catch (RuntimeException e) {
        throw ApiError.badRequest("invalid_since", "since must be an ISO-8601 instant such as 2026-12-01T00:00:00Z");
      }
      sql = "update actions set status = 'pending', attempts = 0, next_attempt_at = now(), done_at = null"
          + " where tenant_id = ? and type = 'delivery' and status = 'failed' and payload->>'subscriptionId' = ?"
          + " and created_at >= ?";
      args.add(uuid(subscriptionId).toString());
      args.add(Timestamp.from(from));
    }
    int n;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      n = ps.executeUpdate();
    } catch (SQLException e) {
      throw unavailable();
    }
    if (deliveryId != null && n == 0) {
      throw ApiError.notFound("unknown_delivery", "no delivery '" + deliveryId + "' for this tenant");
    }
    wakeDispatcher.run();
    return n;
  }

  private static Map<String, Object> page(List<Map<String, Object>> items, int limit) {
    String next = ReadApi.Cursor.trim(items, limit, "createdAt");
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("items", items);
    page.put("nextCursor", next);
    return page;
  }

  private static final String COLUMNS = "id, url, events, description, enabled, created_at, updated_at";

  private static Map<String, Object> row(ResultSet rs) throws SQLException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", rs.getObject(1, UUID.class));
    m.put("url", rs.getString(2));
    m.put("events", List.of((String[]) rs.getArray(3).getArray()));
    m.put("description", rs.getString(4));
    m.put("enabled", rs.getBoolean(5));
    m.put("createdAt", rs.getTimestamp(6).toInstant().toString());
    m.put("updatedAt", rs.getTimestamp(7).toInstant().toString());
    return m;
  }

  static String url(Object v) {
    if (!(v instanceof String s) || s.isBlank()) {
      throw ApiError.badRequest("invalid_field", "field 'url' is required: the http(s) URL to deliver events to");
    }
    URI uri;
    try {
      uri = URI.create(s.strip());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("invalid_field", "field 'url' is not a URL: " + e.getMessage());
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
      throw ApiError.badRequest("invalid_field", "field 'url' must be an http(s) URL such as https://example.com/hooks/switchboard");
    }
    if (uri.getUserInfo() != null) {
      throw ApiError.badRequest("invalid_field", "field 'url' must not carry credentials; deliveries are signed instead");
    }
    return uri.toString();
  }

  static List<String> events(Object v) {
    if (!(v instanceof List<?> l) || l.isEmpty()) {
      throw ApiError.badRequest("invalid_field", "field 'events' is required: a list of event types, or [\"*\"] for all of "
          + new java.util.TreeSet<>(EVENT_TYPES));
    }
    List<String> out = new ArrayList<>();
    for (Object o : l) {
      if (!(o instanceof String s) || !(ALL.equals(s) || EVENT_TYPES.contains(s))) {
        throw ApiError.badRequest("invalid_field", "field 'events' has '" + o + "', which is not an event type; use any of "
            + new java.util.TreeSet<>(EVENT_TYPES) + " or \"*\"");
      }
      if (!out.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  private static String description(Object v) {
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.length() > 500) {
      throw ApiError.badRequest("invalid_field", "field 'description' must be a string of at most 500 characters");
    }
    return s;
  }

  private static boolean isUuid(String s) {
    try {
      UUID.fromString(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static UUID uuid(String id) {
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw ApiError.notFound("unknown_subscription", "no subscription or delivery '" + id + "' for this tenant");
    }
  }

  private static ApiError notFound(String id) {
    return ApiError.notFound("unknown_subscription", "no subscription '" + id + "' for this tenant");
  }

  private static ApiError unavailable() {
    return ApiError.unavailable("store_unavailable", "the store is not answering; retry later", 5);
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
