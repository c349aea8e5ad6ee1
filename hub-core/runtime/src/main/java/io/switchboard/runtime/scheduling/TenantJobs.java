package io.switchboard.runtime.scheduling;

import io.switchboard.api.Contact;
import io.switchboard.runtime.pipeline.DeadLetters;
import io.switchboard.runtime.scoring.Activity;
import io.switchboard.runtime.scoring.HealthScoring;
import io.switchboard.runtime.scoring.Inputs;
import io.switchboard.runtime.scoring.Score;
import io.switchboard.runtime.scoring.ScoreStore;
import io.switchboard.runtime.scoring.Scoring;
import io.switchboard.runtime.spine.Spine;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantFile;
import io.switchboard.runtime.util.Ids;
import io.switchboard.runtime.util.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each scheduled job of a tenant does. Each works in pages, one transaction per page, and
 * publishes the events of a page once it has committed; a job interrupted half-way leaves every
 * finished page done and the rest for its next run.
 */
public final class TenantJobs {

  private static final Logger LOG = LoggerFactory.getLogger(TenantJobs.class);
  public static final String HEALTH = "health";
  public static final String STALE_LEADS = "staleLeads";
  public static final String DEAD_LETTERS = "deadLetters";
  public static final String SURVEYS = "surveys";
  public static final List<String> ALL = List.of(HEALTH, STALE_LEADS, DEAD_LETTERS, SURVEYS);
  public static final String LEAD_STALE = "lead.stale";
  public static final String CONVERSATION_CLOSED = "conversation.closed";
  static final int PAGE = 500;

  private final DataSource dataSource;
  private final Scoring scoring;
  private final DeadLetters deadLetters;
  private final Spine spine;

  public TenantJobs(DataSource dataSource, Scoring scoring, DeadLetters deadLetters, Spine spine) {
    this.dataSource = dataSource;
    this.scoring = scoring;
    this.deadLetters = deadLetters;
    this.spine = spine;
  }

  /** The cron expression of each job the tenant declares, by job name. */
  public static Map<String, String> declared(Tenant tenant) {
    TenantFile.Schedules s = tenant.schedules();
    Map<String, String> out = new LinkedHashMap<>();
    if (s.health() != null) {
      out.put(HEALTH, s.health().cron());
    }
    if (s.staleLeads() != null) {
      out.put(STALE_LEADS, s.staleLeads().cron());
    }
    if (s.deadLetters() != null) {
      out.put(DEAD_LETTERS, s.deadLetters().cron());
    }
    if (s.surveys() != null) {
      out.put(SURVEYS, s.surveys().cron());
    }
    return out;
  }

  /**
   * Runs one job of a tenant now.
   *
   * @return what it did, stored with the run
   */
  public Map<String, Object> run(Tenant tenant, String job, Instant now) throws Exception {
    return switch (job) {
      case HEALTH -> health(tenant, now);
      case STALE_LEADS -> staleLeads(tenant, tenant.schedules().staleLeads(), now);
      // contact updates that named a contact before the update introducing it arrived get another go
      case DEAD_LETTERS -> Map.of("replayed", deadLetters.replay(tenant.id(), DeadLetters.STEP_FAILED),
          "contactUpdatesReplayed", deadLetters.replay(tenant.id(), DeadLetters.CONTACT_UNKNOWN));
      case SURVEYS -> surveys(tenant, tenant.schedules().surveys(), now);
      default -> throw new IllegalArgumentException("no job '" + job + "'; jobs are " + ALL);
    };
  }

  /** Recomputes every contact's health with the workflow's score.health settings. */
  private Map<String, Object> health(Tenant tenant, Instant now) throws SQLException, Spine.SpineUnavailableException {
    Scoring.Models models = scoring.models(tenant);
    HealthScoring model = models.health();
    if (model == null) {
      return Map.of("skipped", "the workflow has no score.health step, so there is no health model to apply");
    }
    ScoreStore store = scoring.store();
    int contacts = 0;
    int events = 0;
    Map<String, Integer> levels = new LinkedHashMap<>();
    UUID after = null;
    while (true) {
      List<Spine.Message> out = new ArrayList<>();
      List<Contact> page = new ArrayList<>();
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("select id, phone, email, display_name, attributes::text from contacts"
            + " where tenant_id = ?" + (after == null ? "" : " and id > ?") + " order by id limit ?")) {
          int i = 1;
          ps.setString(i++, tenant.id());
          if (after != null) {
            ps.setObject(i++, after);
          }
          ps.setInt(i, PAGE);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              page.add(new Contact(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                  Json.MAPPER.readValue(rs.getString(5), Json.MAP)));
            }
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("contact attributes are not JSON", e);
          }
        }
        if (page.isEmpty()) {
          c.rollback();
          break;
        }
        Map<UUID, Activity> activity = store.activity(c, tenant.id(), page.stream().map(Contact::id).toList(), now);
        for (Contact contact : page) {
          Score s = model.compute(new Inputs(null, Map.of(), contact.attributes(),
              activity.getOrDefault(contact.id(), Activity.NONE), now));
          levels.merge(s.level(), 1, Integer::sum);
          out.addAll(store.record(c, tenant.id(), contact.id(), null, s, "scheduled", now, models::alertsFor));
        }
        c.commit();
      }
      contacts += page.size();
      events += out.size();
      spine.sendAll(out);
      after = page.get(page.size() - 1).id();
      if (page.size() < PAGE) {
        break;
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("contacts", contacts);
    result.put("levels", levels);
    result.put("healthChanged", events);
    return result;
  }

  /**
   * Raises {@code lead.stale} for each lead scoring at least {@code minScore} without an interaction
   * for {@code days}, once per quiet spell: not again until the lead has interacted since.
   */
  private Map<String, Object> staleLeads(Tenant tenant, TenantFile.StaleLeads cfg, Instant now)
      throws SQLException, Spine.SpineUnavailableException {
    List<Spine.Message> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("""
          select s.contact_id, s.score, l.last_at, ct.display_name, ct.phone, ct.email
            from contact_scores s
            join contacts ct on ct.tenant_id = s.tenant_id and ct.id = s.contact_id
            join lateral (select max(received_at) as last_at from interactions i
                           where i.tenant_id = s.tenant_id and i.contact_id = s.contact_id) l on true
           where s.tenant_id = ? and s.kind = 'lead' and s.score >= ? and l.last_at < ?
             and not exists (select 1 from events e where e.tenant_id = s.tenant_id and e.subject_id = s.contact_id
                               and e.type = ? and e.created_at > l.last_at)
           order by s.score desc limit ?""")) {
        ps.setString(1, tenant.id());
        ps.setInt(2, cfg.minScore());
        ps.setTimestamp(3, Timestamp.from(now.minus(Duration.ofDays(cfg.days()))));
        ps.setString(4, LEAD_STALE);
        ps.setInt(5, 10 * PAGE);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            UUID contact = rs.getObject(1, UUID.class);
            Instant last = rs.getTimestamp(3).toInstant();
            String who = rs.getString(4) != null ? rs.getString(4) : rs.getString(5) != null ? rs.getString(5) : rs.getString(6);
            long days = Duration.between(last, now).toDays();
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("contactId", contact);
            event.put("leadScore", rs.getInt(2));
            event.put("lastInteractionAt", last.toString());
            event.put("daysInactive", days);
            event.put("task", Map.of("type", "follow_up",
                "title", "Follow up with " + (who == null ? "lead" : who) + ": no activity for " + days + " days"));
            out.add(ScoreStore.appendEvent(c, tenant.id(), LEAD_STALE, contact, event, now).message());
          }
        }
      }
      c.commit();
    }
    spine.sendAll(out);
    return Map.of("staleLeads", out.size());
  }

  /**
   * Closes the tenant's conversations idle for {@code idleHours} and sends each contact the NPS
   * question through the channel the conversation was on (a {@code reply} action); the answer is
   * taken by the pipeline from the contact's next message.
   */
  private Map<String, Object> surveys(Tenant tenant, TenantFile.Surveys cfg, Instant now)
      throws SQLException, Spine.SpineUnavailableException {
    List<Spine.Message> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("""
          select cv.id, cv.contact_id, cv.channel, last.connector, last.from_address, last.to_address
            from conversations cv
            join lateral (select connector, from_address, to_address from interactions i
                           where i.tenant_id = cv.tenant_id and i.conversation_id = cv.id and i.direction = 'inbound'
                           order by received_at desc limit 1) last on true
           where cv.tenant_id = ? and cv.status = 'open' and cv.last_activity_at < ?
           order by cv.last_activity_at limit ? for update of cv skip locked""");
          PreparedStatement close = c.prepareStatement(
              "update conversations set status = 'closed' where tenant_id = ? and id = ?");
          PreparedStatement survey = c.prepareStatement("""
              insert into surveys (id, tenant_id, contact_id, conversation_id, sent_at) values (?, ?, ?, ?, ?)
              on conflict (tenant_id, conversation_id) do nothing""")) {
        ps.setString(1, tenant.id());
        ps.setTimestamp(2, Timestamp.from(now.minus(Duration.ofHours(cfg.idleHours()))));
        ps.setInt(3, PAGE);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            UUID conversation = rs.getObject(1, UUID.class);
            UUID contact = rs.getObject(2, UUID.class);
            close.setString(1, tenant.id());
            close.setObject(2, conversation);
            close.executeUpdate();
            UUID surveyId = Ids.newId();
            survey.setObject(1, surveyId);
            survey.setString(2, tenant.id());
            survey.setObject(3, contact);
            survey.setObject(4, conversation);
            survey.setTimestamp(5, Timestamp.from(now));
            if (survey.executeUpdate() == 1) {
              Map<String, Object> reply = new LinkedHashMap<>();
              reply.put("connector", rs.getString(4));
              reply.put("channel", rs.getString(3));
              reply.put("to", rs.getString(5));
              if (rs.getString(6) != null) {
                reply.put("from", rs.getString(6));
              }
              reply.put("text", cfg.text());
              reply.put("surveyId", surveyId.toString());
              ScoreStore.insertAction(c, tenant.id(), null, "schedules.surveys", "reply", reply);
            }
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("conversationId", conversation);
            event.put("contactId", contact);
            event.put("reason", "idle for " + cfg.idleHours() + " hours");
            event.put("surveyId", surveyId);
            out.add(ScoreStore.appendEvent(c, tenant.id(), CONVERSATION_CLOSED, conversation, event, now).message());
          }
        }
      }
      c.commit();
    }
    spine.sendAll(out);
    if (!out.isEmpty()) {
      LOG.info("Tenant {}: closed {} idle conversations and queued their NPS surveys", tenant.id(), out.size());
    }
    return Map.of("conversationsClosed", out.size(), "surveysQueued", out.size());
  }
}
