package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.runtime.action.ActionDispatcher;
import io.switchboard.runtime.util.Json;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lead and health scores through a real hub: computed by the workflow with their factors, kept in
 * the contact's history, {@code health.changed} events and signed alerts when the level moves, the
 * scheduled health recalculation, stale-lead analysis and NPS surveys with their answers.
 */
class ScoringIT {

  @TempDir
  static Path dir;

  static HubFixture hub;
  static HttpServer receiver;
  static final List<String[]> alerts = new CopyOnWriteArrayList<>();

  static final String TOKEN = "score-token";
  static final String KEY = "sb_score_key";
  static final String NUMBER = "+15550009000";

  @BeforeAll
  static void start() throws Exception {
    receiver = HubFixture.receiver("/alerts", alerts);
    hub = HubFixture.prepare(dir);
    Files.writeString(hub.home.resolve("config/tenants/score.yaml"), """
        id: score
        apiKeys: [%s]
        channels:
          twilio:
            phoneNumbers: ["%s"]
            secrets: {authToken: %s}
        secrets:
          alerts: alert-secret
        workflow:
          steps:
            - step: ai.sentiment
            - step: tag
              id: support
              when: "interaction.text.lowerAscii().contains('broken')"
              config: {tags: [support]}
            - step: score.lead
              config:
                base: 10
                channels: {sms: 5}
                sentiment: 20
                fields: [{path: crm.lifecycleStage, equals: opportunity, points: 30}]
            - step: score.health
              config:
                alerts: [{levels: [at_risk, critical], url: "http://127.0.0.1:%d/alerts", secret: alerts}]
        schedules:
          health: {cron: "0 0 3 * * ?"}
          staleLeads: {cron: "0 0 9 * * ?", days: 7, minScore: 10}
          surveys: {cron: "0 0 4 * * ?", idleHours: 0, text: "How did we do? Reply 0-10"}
        """.formatted(KEY, NUMBER, TOKEN, receiver.getAddress().getPort()));
    hub.overrides.put("switchboard.actions.backoff-ms", "100");
    hub.start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
    receiver.stop(0);
  }

  static JsonNode sms(String from, String text) throws Exception {
    String sid = HubIT.newSid();
    HttpResponse<String> r = hub.postTwilio("/webhooks/score/twilio/sms", TwilioSigner.inboundSms(sid, from, NUMBER, text), TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    return HubIT.awaitInteractionOn(hub, KEY, "score", sid);
  }

  static JsonNode scores(String contactId, String query) throws Exception {
    HttpResponse<String> r = hub.get("/api/v1/tenants/score/contacts/" + contactId + "/scores" + query, KEY);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.MAPPER.readTree(r.body());
  }

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    HubFixture.await(what, done);
  }


  static long count(String sql, Object... args) {
    try {
      return hub.count(sql, args);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void sql(String sql, Object... args) throws Exception {
    try (Connection c = hub.hub.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  /** Fires a job through the API and waits for its run to be recorded as done. */
  static JsonNode runJob(String job) throws Exception {
    long before = count("select count(*) from job_runs where tenant_id = 'score' and job = ? and status = 'done'", job);
    HttpResponse<String> r = hub.send("POST", "/api/v1/tenants/score/schedules/" + job + "/run", KEY,
        HttpRequest.BodyPublishers.noBody());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    await(job + " to run", () -> count("select count(*) from job_runs where tenant_id = 'score' and job = ? and status = 'done'",
        job) > before);
    HttpResponse<String> s = hub.get("/api/v1/tenants/score/schedules", KEY);
    for (JsonNode item : Json.MAPPER.readTree(s.body()).path("items")) {
      if (job.equals(item.path("job").asText())) {
        return item.path("recentRuns").get(0).path("result");
      }
    }
    throw new AssertionError("job " + job + " not listed: " + s.body());
  }

  static double sumOfPoints(JsonNode factors) {
    double sum = 0;
    for (JsonNode f : factors) {
      sum += f.path("points").asDouble();
    }
    return sum;
  }

  @Test
  void everyInteractionIsScoredWithFactorsThatExplainTheScore() throws Exception {
    JsonNode i = sms("+15552220001", "Thanks, the new plan looks great!");
    JsonNode lead = i.path("signals").path("scores").path("lead");
    JsonNode health = i.path("signals").path("scores").path("health");
    // lead: base 10 + sms 5 + sentiment 20 x compound + recency 20 (now) + frequency 25 x 1/10
    double compound = i.path("signals").path("sentiment").path("compound").asDouble();
    assertThat(compound).isPositive();
    assertThat(lead.path("score").asInt()).isEqualTo((int) Math.round(10 + 5 + 20 * compound + 20 + 2.5));
    assertThat(lead.path("factors").toString()).contains("\"name\":\"source\"").contains("\"input\":\"sms\"");
    assertThat(health.path("level").asText()).isEqualTo("healthy");
    assertThat(sumOfPoints(health.path("factors"))).isCloseTo(health.path("score").asDouble(), org.assertj.core.data.Offset.offset(1.0));

    String contact = i.path("contactId").asText();
    await("scores stored", () -> count("select count(*) from contact_scores where tenant_id = 'score' and contact_id = ?::uuid",
        contact) == 2);
    JsonNode api = scores(contact, "");
    assertThat(api.path("current").path("lead").path("score").asInt()).isEqualTo(lead.path("score").asInt());
    assertThat(api.path("current").path("health").path("level").asText()).isEqualTo("healthy");
    assertThat(api.path("history")).hasSize(2);
    assertThat(api.path("history").get(0).path("interactionId").asText()).isEqualTo(i.path("id").asText());

    // a CRM field the tenant weighs: the next message of this opportunity scores 30 more
    sql("update contacts set attributes = attributes || '{\"crm\":{\"lifecycleStage\":\"opportunity\"}}'::jsonb where id = ?::uuid",
        contact);
    JsonNode next = sms("+15552220001", "Thanks, the new plan looks great!");
    JsonNode lead2 = next.path("signals").path("scores").path("lead");
    assertThat(lead2.path("factors").toString()).contains("field:crm.lifecycleStage");
    assertThat(lead2.path("score").asInt()).isGreaterThanOrEqualTo(lead.path("score").asInt() + 30);
    // the contact's activity is what the next interaction's workflow sees
    assertThat(next.path("signals").path("scores").path("health").path("previousLevel").asText()).isEqualTo("healthy");

    // history pages, newest first, one kind at a time
    JsonNode page = scores(contact, "?kind=lead&limit=1");
    assertThat(page.path("history")).hasSize(1);
    assertThat(page.path("history").get(0).path("score").asInt()).isEqualTo(lead2.path("score").asInt());
    JsonNode page2 = scores(contact, "?kind=lead&limit=1&cursor=" + page.path("nextCursor").asText());
    assertThat(page2.path("history").get(0).path("score").asInt()).isEqualTo(lead.path("score").asInt());
    assertThat(page2.path("nextCursor").isNull()).isTrue();

    assertThat(hub.get("/api/v1/tenants/score/contacts/" + contact + "/scores?kind=mood", KEY).statusCode()).isEqualTo(400);
    assertThat(hub.get("/api/v1/tenants/score/contacts/" + contact + "/scores", HubFixture.DEMO_KEY).statusCode()).isEqualTo(404);
  }

  @Test
  void aFallingHealthLevelRaisesHealthChangedAndASignedAlert() throws Exception {
    String from = "+15552220002";
    JsonNode first = sms(from, "This is broken and terrible, I hate it");
    String contact = first.path("contactId").asText();
    // sentiment ~0.1 x 30, recency 1 x 20, support 0.8 x 20 over 70: at risk from the first message
    assertThat(first.path("signals").path("scores").path("health").path("level").asText()).isEqualTo("at_risk");
    await("health.changed to at_risk", () -> count("select count(*) from events where tenant_id = 'score' and type = 'health.changed'"
        + " and subject_id = ?::uuid", contact) == 1);
    await("the at_risk alert", () -> alerts.stream().anyMatch(a -> a[1].contains(contact) && a[1].contains("\"at_risk\"")));

    // Stripe (issue 5) writes billing here; two failed payments weigh on health
    sql("update contacts set attributes = attributes || '{\"billing\":{\"status\":\"past_due\",\"failedPayments\":2}}'::jsonb"
        + " where id = ?::uuid", contact);
    // each further angry support message adds to the support load until the contact is critical
    JsonNode health = null;
    for (int n = 0; n < 4 && (health == null || !"critical".equals(health.path("level").asText())); n++) {
      health = sms(from, "Still broken. Awful service, I hate this").path("signals").path("scores").path("health");
    }
    assertThat(health.path("level").asText()).isEqualTo("critical");
    assertThat(health.path("previousLevel").asText()).isEqualTo("at_risk");
    assertThat(health.path("factors").toString()).contains("\"name\":\"payment\"").contains("past_due, 2 failed");
    await("health.changed to critical", () -> count("select count(*) from events where tenant_id = 'score' and type = 'health.changed'"
        + " and subject_id = ?::uuid", contact) == 2);
    await("the critical alert", () -> alerts.stream().anyMatch(a -> a[1].contains(contact) && a[1].contains("\"critical\"")));
    String[] alert = alerts.stream().filter(a -> a[1].contains(contact) && a[1].contains("\"critical\"")).findFirst().orElseThrow();
    String t = alert[0].substring(2, alert[0].indexOf(','));
    assertThat(alert[0]).isEqualTo("t=" + t + ",v1=" + ActionDispatcher.sign("alert-secret", Long.parseLong(t),
        alert[1].getBytes(StandardCharsets.UTF_8)));
    JsonNode body = Json.MAPPER.readTree(alert[1]);
    assertThat(body.path("type").asText()).isEqualTo("health.changed");
    assertThat(body.path("previousLevel").asText()).isEqualTo("at_risk");
    assertThat(alert[1]).doesNotContain("alert-secret");
  }

  @Test
  void theScheduledRecalculationLowersTheHealthOfContactsWhoWentQuiet() throws Exception {
    JsonNode i = sms("+15552220003", "Love it, works perfectly");
    String contact = i.path("contactId").asText();
    assertThat(i.path("signals").path("scores").path("health").path("level").asText()).isEqualTo("healthy");
    await("scores stored", () -> count("select count(*) from contact_scores where contact_id = ?::uuid", contact) == 2);
    // two months pass without a word from this contact
    sql("update interactions set received_at = received_at - interval '60 days' where contact_id = ?::uuid", contact);

    JsonNode result = runJob("health");
    assertThat(result.path("contacts").asInt()).isGreaterThanOrEqualTo(1);
    JsonNode api = scores(contact, "?kind=health");
    JsonNode latest = api.path("history").get(0);
    assertThat(latest.path("reason").asText()).isEqualTo("scheduled");
    assertThat(latest.path("interactionId").isNull()).isTrue();
    assertThat(latest.path("score").asInt()).isLessThan(i.path("signals").path("scores").path("health").path("score").asInt());
    assertThat(latest.path("factors").toString()).contains("\"name\":\"recency\"");
  }

  @Test
  void leadsWithoutActivityRaiseOneStaleLeadEventPerQuietSpell() throws Exception {
    JsonNode i = sms("+15552220004", "Interested in the enterprise plan, can you call me?");
    String contact = i.path("contactId").asText();
    await("lead score stored", () -> count("select count(*) from contact_scores where kind = 'lead' and contact_id = ?::uuid",
        contact) == 1);
    sql("update interactions set received_at = received_at - interval '10 days' where contact_id = ?::uuid", contact);

    JsonNode first = runJob("staleLeads");
    assertThat(first.path("staleLeads").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(count("select count(*) from events where type = 'lead.stale' and subject_id = ?::uuid", contact)).isEqualTo(1);
    String payload;
    try (Connection c = hub.hub.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("select payload::text from events where type = 'lead.stale' and subject_id = ?::uuid")) {
      ps.setString(1, contact);
      try (var rs = ps.executeQuery()) {
        rs.next();
        payload = rs.getString(1);
      }
    }
    JsonNode event = Json.MAPPER.readTree(payload);
    assertThat(event.path("task").path("type").asText()).isEqualTo("follow_up");
    assertThat(event.path("daysInactive").asInt()).isEqualTo(10);

    runJob("staleLeads");
    assertThat(count("select count(*) from events where type = 'lead.stale' and subject_id = ?::uuid", contact))
        .as("not raised again for the same quiet spell").isEqualTo(1);
  }

  @Test
  void closedConversationsGetAnNpsSurveyAndTheAnswerFeedsHealth() throws Exception {
    JsonNode i = sms("+15552220005", "Got my order, thanks");
    String contact = i.path("contactId").asText();
    String conversation = i.path("conversationId").asText();

    JsonNode result = runJob("surveys");
    assertThat(result.path("surveysQueued").asInt()).isGreaterThanOrEqualTo(1);
    assertThat(count("select count(*) from conversations where id = ?::uuid and status = 'closed'", conversation)).isEqualTo(1);
    assertThat(count("select count(*) from surveys where conversation_id = ?::uuid and answered_at is null", conversation)).isEqualTo(1);
    assertThat(count("select count(*) from actions where tenant_id = 'score' and type = 'reply' and interaction_id is null"
        + " and payload->>'to' = '+15552220005' and payload->>'text' = 'How did we do? Reply 0-10'")).isEqualTo(1);
    assertThat(count("select count(*) from events where type = 'conversation.closed' and subject_id = ?::uuid", conversation))
        .isEqualTo(1);

    JsonNode answer = sms("+15552220005", "9 - quick and friendly");
    assertThat(answer.path("conversationId").asText()).as("a closed conversation is not reopened").isNotEqualTo(conversation);
    assertThat(answer.path("signals").path("survey").path("score").asInt()).isEqualTo(9);
    assertThat(answer.path("signals").path("survey").path("category").asText()).isEqualTo("promoter");
    assertThat(answer.path("signals").path("scores").path("health").path("factors").toString()).contains("\"name\":\"nps\"");
    assertThat(count("select count(*) from surveys where conversation_id = ?::uuid and score = 9", conversation)).isEqualTo(1);
    assertThat(count("select count(*) from contacts where id = ?::uuid and attributes #>> '{nps,score}' = '9'", contact)).isEqualTo(1);

    // a later number is a message, not a second answer
    JsonNode later = sms("+15552220005", "5");
    assertThat(later.path("signals").has("survey")).isFalse();
  }

  @Test
  void schedulesAreListedAndUnknownJobsAreRefused() throws Exception {
    JsonNode list = Json.MAPPER.readTree(hub.get("/api/v1/tenants/score/schedules", KEY).body());
    assertThat(list.path("items").findValuesAsText("job")).containsExactly("health", "staleLeads", "surveys");
    assertThat(list.path("items").get(0).path("nextFireAt").asText()).isNotEmpty();
    HttpResponse<String> r = hub.send("POST", "/api/v1/tenants/score/schedules/deadLetters/run", KEY,
        HttpRequest.BodyPublishers.noBody());
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body()).contains("job_not_found").contains("schedules");
  }
}
