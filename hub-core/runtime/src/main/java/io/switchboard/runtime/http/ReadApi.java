package io.switchboard.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantRegistry;
import io.switchboard.runtime.util.Json;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The read side of the REST API: a tenant's interactions, newest first with cursor pagination, and
 * a contact with its recent interactions. Every query filters on the caller's tenant.
 */
public final class ReadApi {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 200;
  private static final int RECENT_FOR_CONTACT = 20;

  private static final String INTERACTION_COLUMNS = """
      id, contact_id, conversation_id, channel, direction, connector, provider_message_id, from_address,
      to_address, text, media::text, attributes::text, signals::text, received_at, workflow::text""";

  private final Supplier<TenantRegistry> tenants;
  private final DataSource dataSource;

  public ReadApi(Supplier<TenantRegistry> tenants, DataSource dataSource) {
    this.tenants = tenants;
    this.dataSource = dataSource;
  }

  /**
   * Checks the bearer key against the tenant in the path.
   *
   * @return the tenant id the caller may read
   * @throws ApiError 401 without a valid key; 404 when the key belongs to another tenant (so that
   *     tenants cannot probe each other's existence)
   */
  public String authorize(String tenantId, String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiError(401, "unauthorized", "send the tenant's API key as 'Authorization: Bearer <key>'");
    }
    String key = authorization.substring(7).trim();
    Tenant owner = tenants.get().byApiKey(key)
        .orElseThrow(() -> new ApiError(401, "unauthorized", "the API key is not valid"));
    if (!owner.id().equals(tenantId)) {
      throw ApiError.notFound("unknown_tenant", "no tenant '" + tenantId + "' for this API key");
    }
    return owner.id();
  }

  /** The tenant an authorized caller may act on. */
  public Tenant tenant(String tenantId) {
    return tenants.get().find(tenantId).orElseThrow(() -> ApiError.notFound("unknown_tenant", "no tenant '" + tenantId + "'"));
  }

  /** A page of interactions, newest first. */
  public Map<String, Object> interactions(String tenant, String limitParam, String cursorParam) {
    return page("select " + INTERACTION_COLUMNS + " from interactions where tenant_id = ?", "received_at", tenant,
        limitParam, cursorParam, "receivedAt", ReadApi::interaction);
  }

  /**
   * A page of the messages the hub sent (workflow replies), newest first: what was sent to whom,
   * whether the send succeeded, and the provider's delivery receipts for it (sent, delivered, read,
   * failed), latest first.
   */
  public Map<String, Object> messages(String tenant, String limitParam, String cursorParam) {
    String sql = """
        select a.id, a.interaction_id, a.payload::text, a.status, a.attempts, a.last_error,
               a.result->>'providerMessageId', a.created_at, a.done_at,
               (select coalesce(json_agg(json_build_object('status', s.status, 'error', s.error,
                                         'at', s.occurred_at) order by s.occurred_at desc, s.received_at desc), '[]')
                  from message_statuses s
                 where s.tenant_id = a.tenant_id and s.connector = a.payload->>'connector'
                   and s.message_id = a.result->>'providerMessageId')::text
          from actions a where a.tenant_id = ? and a.type = 'reply'""";
    return page(sql, "a.created_at", tenant, limitParam, cursorParam, "createdAt", rs -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", rs.getObject(1, UUID.class));
      m.put("interactionId", rs.getObject(2, UUID.class));
      try {
        var payload = Json.MAPPER.readTree(rs.getString(3));
        m.put("connector", payload.path("connector").asText(null));
        m.put("channel", payload.path("channel").asText(null));
        m.put("to", payload.path("to").asText(null));
        m.put("text", payload.path("text").asText(null));
        m.put("sendStatus", rs.getString(4));
        m.put("attempts", rs.getInt(5));
        m.put("lastError", rs.getString(6));
        m.put("providerMessageId", rs.getString(7));
        var receipts = Json.MAPPER.readTree(rs.getString(10));
        m.put("deliveryStatus", receipts.path(0).path("status").asText(null));
        m.put("receipts", receipts);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("stored action JSON is invalid", e);
      }
      m.put("createdAt", rs.getTimestamp(8).toInstant().toString());
      Timestamp done = rs.getTimestamp(9);
      m.put("sentAt", done == null ? null : done.toInstant().toString());
      return m;
    });
  }

  /**
   * A page of the tenant's contacts, most recently changed first, optionally only the one at
   * {@code address} (an e-mail address, matched lower-cased, or a phone number in E.164).
   */
  public Map<String, Object> contacts(String tenant, String address, String limitParam, String cursorParam) {
    String select = "select id, phone, display_name, attributes::text, created_at, updated_at from contacts where tenant_id = ?";
    List<Object> filters = new ArrayList<>();
    if (address != null && !address.isBlank()) {
      select += " and phone = ?";
      String a = address.strip();
      filters.add(a.contains("@") ? a.toLowerCase(java.util.Locale.ROOT) : a);
    }
    return page(select, "updated_at", tenant, filters, limitParam, cursorParam, "updatedAt", rs -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", rs.getObject(1, UUID.class));
      m.put("address", rs.getString(2));
      m.put("displayName", rs.getString(3));
      try {
        m.put("attributes", Json.MAPPER.readTree(rs.getString(4)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("stored contact attributes are not JSON", e);
      }
      m.put("createdAt", rs.getTimestamp(5).toInstant().toString());
      m.put("updatedAt", rs.getTimestamp(6).toInstant().toString());
      return m;
    });
  }

  /** One row of a page as the API shows it. */
  public interface Row {
    Map<String, Object> map(ResultSet rs) throws SQLException;
  }

  /**
   * One page of {@code select} (which filters on the tenant as its only parameter), newest first by
   * {@code timeColumn} and id, after the cursor.
   */
  private Map<String, Object> page(String select, String timeColumn, String tenant, String limitParam,
      String cursorParam, String timeKey, Row row) {
    return page(select, timeColumn, tenant, List.of(), limitParam, cursorParam, timeKey, row);
  }

  private Map<String, Object> page(String select, String timeColumn, String tenant, List<Object> filters,
      String limitParam, String cursorParam, String timeKey, Row row) {
    return page(dataSource, select, timeColumn, tenant, filters, limitParam, cursorParam, timeKey, row);
  }

  /**
   * One page {@code {items, nextCursor}} of {@code select}, which filters on the tenant and then on
   * {@code filters} as its parameters, newest first by {@code timeColumn} and id, after the cursor;
   * each row's {@code timeKey} and {@code id} make the next cursor.
   */
  public static Map<String, Object> page(DataSource dataSource, String select, String timeColumn, String tenant,
      List<Object> filters, String limitParam, String cursorParam, String timeKey, Row row) {
    int limit = parseLimit(limitParam);
    Cursor cursor = cursorParam == null || cursorParam.isEmpty() ? null : Cursor.decode(cursorParam);
    String idColumn = timeColumn.contains(".") ? timeColumn.substring(0, timeColumn.indexOf('.') + 1) + "id" : "id";
    String sql = select + (cursor == null ? "" : " and (" + timeColumn + ", " + idColumn + ") < (?, ?)")
        + " order by " + timeColumn + " desc, " + idColumn + " desc limit ?";
    List<Map<String, Object>> items = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      ps.setString(i++, tenant);
      for (Object f : filters) {
        ps.setObject(i++, f);
      }
      if (cursor != null) {
        ps.setTimestamp(i++, Timestamp.from(cursor.receivedAt()));
        ps.setObject(i++, cursor.id());
      }
      ps.setInt(i, limit + 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          items.add(row.map(rs));
        }
      }
    } catch (SQLException e) {
      throw ApiError.unavailable("store_unavailable", "the store is not answering; retry later", 5);
    }
    String next = Cursor.trim(items, limit, timeKey);
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("items", items);
    page.put("nextCursor", next);
    return page;
  }

  /** One contact with its most recent interactions. */
  public Map<String, Object> contact(String tenant, String idParam) {
    UUID id;
    try {
      id = UUID.fromString(idParam);
    } catch (IllegalArgumentException e) {
      throw ApiError.notFound("contact_not_found", "no contact '" + idParam + "'");
    }
    try (Connection c = dataSource.getConnection()) {
      Map<String, Object> contact = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "select id, phone, display_name, attributes::text, created_at, updated_at from contacts where tenant_id = ? and id = ?")) {
        ps.setString(1, tenant);
        ps.setObject(2, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw ApiError.notFound("contact_not_found", "no contact '" + idParam + "'");
          }
          contact.put("id", rs.getObject(1, UUID.class));
          contact.put("phone", rs.getString(2));
          contact.put("displayName", rs.getString(3));
          contact.put("attributes", Json.MAPPER.readTree(rs.getString(4)));
          contact.put("createdAt", rs.getTimestamp(5).toInstant().toString());
          contact.put("updatedAt", rs.getTimestamp(6).toInstant().toString());
        }
      }
      List<Map<String, Object>> recent = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("select " + INTERACTION_COLUMNS
          + " from interactions where tenant_id = ? and contact_id = ? order by received_at desc, id desc limit ?")) {
        ps.setString(1, tenant);
        ps.setObject(2, id);
        ps.setInt(3, RECENT_FOR_CONTACT);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            recent.add(interaction(rs));
          }
        }
      }
      contact.put("recentInteractions", recent);
      return contact;
    } catch (SQLException e) {
      throw ApiError.unavailable("store_unavailable", "the store is not answering; retry later", 5);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored contact attributes are not JSON", e);
    }
  }

  private static Map<String, Object> interaction(ResultSet rs) throws SQLException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", rs.getObject(1, UUID.class));
    m.put("contactId", rs.getObject(2, UUID.class));
    m.put("conversationId", rs.getObject(3, UUID.class));
    m.put("channel", rs.getString(4));
    m.put("direction", rs.getString(5));
    m.put("connector", rs.getString(6));
    m.put("providerMessageId", rs.getString(7));
    m.put("from", rs.getString(8));
    m.put("to", rs.getString(9));
    m.put("text", rs.getString(10));
    try {
      m.put("media", Json.MAPPER.readTree(rs.getString(11)));
      m.put("attributes", Json.MAPPER.readTree(rs.getString(12)));
      m.put("signals", Json.MAPPER.readTree(rs.getString(13)));
      m.put("workflow", Json.MAPPER.readTree(rs.getString(15)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored interaction JSON is invalid", e);
    }
    m.put("receivedAt", rs.getTimestamp(14).toInstant().toString());
    return m;
  }

  /** A {@code limit} query parameter: {@value #DEFAULT_LIMIT} when absent, else 1 to {@value #MAX_LIMIT} (400 otherwise). */
  public static int parseLimit(String s) {
    if (s == null || s.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(s);
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw ApiError.badRequest("invalid_limit", "limit must be a whole number from 1 to " + MAX_LIMIT + ", got '" + s + "'");
  }

  /** Position after the last item of a page: (received_at, id) of that item, opaque to clients. */
  public record Cursor(Instant receivedAt, UUID id) {
    /**
     * Trims a page read with {@code limit + 1} rows to {@code limit} and gives the cursor after its
     * last item, keyed on (that item's {@code timeKey}, its {@code id}); null when there is no more.
     */
    public static String trim(List<Map<String, Object>> items, int limit, String timeKey) {
      if (items.size() <= limit) {
        return null;
      }
      items.remove(limit);
      Map<String, Object> last = items.get(limit - 1);
      return new Cursor(Instant.parse((String) last.get(timeKey)), (UUID) last.get("id")).encode();
    }

    String encode() {
      String raw = receivedAt.toString() + "|" + id;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    public static Cursor decode(String s) {
      try {
        String raw = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
        int bar = raw.indexOf('|');
        return new Cursor(Instant.parse(raw.substring(0, bar)), UUID.fromString(raw.substring(bar + 1)));
      } catch (RuntimeException e) {
        throw ApiError.badRequest("invalid_cursor", "cursor is not one this API returned; start again without it");
      }
    }
  }
}
