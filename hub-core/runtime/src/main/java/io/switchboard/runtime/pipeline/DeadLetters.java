package io.switchboard.runtime.pipeline;

import io.switchboard.runtime.spine.Spine;
import io.switchboard.runtime.util.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter store: inbound records the pipeline could not process, with why. Records a
 * tenant's workflow could not take because a plugin was missing or disabled are replayed onto
 * {@code switchboard.inbound} once that workflow can run again, so no message is lost while a
 * plugin is disabled or being replaced; the pipeline's dedupe makes a replay safe.
 */
public final class DeadLetters {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  public static final String INVALID_RECORD = "invalid_record";
  public static final String STEP_FAILED = "step_failed";
  public static final String WORKFLOW_UNAVAILABLE = "workflow_unavailable";
  public static final String STORE_FAILED = "store_failed";
  public static final String TENANT_DISABLED = "tenant_disabled";
  /** A contact update naming its contact by an id no contact holds yet (Stripe's customer id). */
  public static final String CONTACT_UNKNOWN = "contact_unknown";

  private static final int PAGE = 500;

  private final DataSource dataSource;
  private final Spine spine;

  public DeadLetters(DataSource dataSource, Spine spine) {
    this.dataSource = dataSource;
    this.spine = spine;
  }

  /**
   * Appends the tenant's pending records of {@code kind} to the inbound topic again, oldest first,
   * and marks them replayed.
   *
   * @return how many were replayed
   */
  public int replay(String tenantId, String kind) throws SQLException, Spine.SpineUnavailableException {
    int total = 0;
    while (true) {
      List<UUID> ids = new ArrayList<>();
      List<Spine.Message> messages = new ArrayList<>();
      try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
          select id, payload from dead_letters
           where tenant_id = ? and kind = ? and replayed_at is null
           order by created_at limit ?""")) {
        ps.setString(1, tenantId);
        ps.setString(2, kind);
        ps.setInt(3, PAGE);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getObject(1, UUID.class));
            String payload = rs.getString(2);
            messages.add(new Spine.Message(Spine.INBOUND_TOPIC, key(payload), payload));
          }
        }
      }
      if (ids.isEmpty()) {
        return total;
      }
      spine.sendAll(messages);
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement("update dead_letters set replayed_at = now() where tenant_id = ? and id = ?")) {
        for (UUID id : ids) {
          ps.setString(1, tenantId);
          ps.setObject(2, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      total += ids.size();
      LOG.info("Replayed {} dead-lettered {} record(s) of tenant {}", total, kind, tenantId);
    }
  }

  /**
   * Keeps a record the hub could not take, with why, for inspection (and replay where its kind
   * allows).
   *
   * @param source where it came from, e.g. {@code kafka:acme.interactions-0@42}
   */
  public void record(String tenantId, String source, String kind, String reason, String payload) throws SQLException {
    LOG.warn("Dead-lettered record of tenant {} from {} ({}): {}", tenantId, source, kind, reason);
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "insert into dead_letters (id, tenant_id, source, reason, payload, kind) values (?, ?, ?, ?, ?, ?)")) {
      ps.setObject(1, io.switchboard.runtime.util.Ids.newId());
      ps.setString(2, tenantId);
      ps.setString(3, source);
      ps.setString(4, reason);
      ps.setString(5, payload == null ? "" : payload);
      ps.setString(6, kind);
      ps.executeUpdate();
    }
  }

  /** Pending (not replayed) dead letters of a tenant, by kind. */
  public long pending(String tenantId, String kind) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select count(*) from dead_letters where tenant_id = ? and kind = ? and replayed_at is null")) {
      ps.setString(1, tenantId);
      ps.setString(2, kind);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static String key(String payload) {
    try {
      return Json.MAPPER.readValue(payload, InboundRecord.class).conversationKey();
    } catch (Exception e) {
      return null;
    }
  }
}
