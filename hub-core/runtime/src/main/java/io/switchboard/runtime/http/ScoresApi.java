package io.switchboard.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.runtime.util.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A contact's scores: the current lead and health scores with the factors that explain them, and
 * their history, newest first with cursor pagination. Every query filters on the caller's tenant.
 */
public final class ScoresApi {

  private static final List<String> KINDS = List.of("lead", "health");
  private final DataSource dataSource;

  public ScoresApi(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** {@code GET /api/v1/tenants/{t}/contacts/{id}/scores?kind=&limit=&cursor=} */
  public Map<String, Object> scores(String tenant, String contactParam, String kind, String limitParam, String cursorParam) {
    UUID contact;
    try {
      contact = UUID.fromString(contactParam);
    } catch (IllegalArgumentException e) {
      throw ApiError.notFound("contact_not_found", "no contact '" + contactParam + "'");
    }
    if (kind != null && !kind.isEmpty() && !KINDS.contains(kind)) {
      throw ApiError.badRequest("invalid_kind", "kind must be one of " + KINDS + ", got '" + kind + "'");
    }
    boolean oneKind = kind != null && !kind.isEmpty();
    int limit = ReadApi.parseLimit(limitParam);
    ReadApi.Cursor cursor = cursorParam == null || cursorParam.isEmpty() ? null : ReadApi.Cursor.decode(cursorParam);
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement ps = c.prepareStatement("select 1 from contacts where tenant_id = ? and id = ?")) {
        ps.setString(1, tenant);
        ps.setObject(2, contact);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw ApiError.notFound("contact_not_found", "no contact '" + contactParam + "'");
          }
        }
      }
      Map<String, Object> current = new LinkedHashMap<>();
      try (PreparedStatement ps = c.prepareStatement("select kind, score, level, factors::text, computed_at from contact_scores"
          + " where tenant_id = ? and contact_id = ?" + (oneKind ? " and kind = ?" : "") + " order by kind")) {
        ps.setString(1, tenant);
        ps.setObject(2, contact);
        if (oneKind) {
          ps.setString(3, kind);
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("score", rs.getInt(2));
            s.put("level", rs.getString(3));
            s.put("factors", Json.MAPPER.readTree(rs.getString(4)));
            s.put("computedAt", rs.getTimestamp(5).toInstant().toString());
            current.put(rs.getString(1), s);
          }
        }
      }
      List<Map<String, Object>> history = new ArrayList<>();
      String sql = "select id, kind, score, level, previous_score, previous_level, factors::text, interaction_id, reason,"
          + " computed_at from score_history where tenant_id = ? and contact_id = ?"
          + (oneKind ? " and kind = ?" : "")
          + (cursor == null ? "" : " and (computed_at, id) < (?, ?)")
          + " order by computed_at desc, id desc limit ?";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        int i = 1;
        ps.setString(i++, tenant);
        ps.setObject(i++, contact);
        if (oneKind) {
          ps.setString(i++, kind);
        }
        if (cursor != null) {
          ps.setTimestamp(i++, Timestamp.from(cursor.receivedAt()));
          ps.setObject(i++, cursor.id());
        }
        ps.setInt(i, limit + 1);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("id", rs.getObject(1, UUID.class));
            h.put("kind", rs.getString(2));
            h.put("score", rs.getInt(3));
            h.put("level", rs.getString(4));
            h.put("previousScore", rs.getObject(5));
            h.put("previousLevel", rs.getString(6));
            h.put("factors", Json.MAPPER.readTree(rs.getString(7)));
            h.put("interactionId", rs.getObject(8, UUID.class));
            h.put("reason", rs.getString(9));
            h.put("computedAt", rs.getTimestamp(10).toInstant().toString());
            history.add(h);
          }
        }
      }
      String next = ReadApi.Cursor.trim(history, limit, "computedAt");
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("contactId", contact);
      out.put("current", current);
      out.put("history", history);
      out.put("nextCursor", next);
      return out;
    } catch (SQLException e) {
      throw ApiError.unavailable("store_unavailable", "the store is not answering; retry later", 5);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored score factors are not JSON", e);
    }
  }
}
