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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant workflows on a real hub: branches route interactions as written, actions are performed
 * after the interaction is stored, a dry run changes nothing, a reload under load loses and
 * duplicates nothing, an invalid edit keeps the old version running, a removed file disables the
 * tenant.
 */
class WorkflowIT {

  @TempDir
  static Path dir;

  static HubFixture hub;
  static HttpServer receiver;
  static final List<String[]> deliveries = new CopyOnWriteArrayList<>();
  static Path flowFile;

  static final String FLOW_TOKEN = "flow-token";
  static final String FLOW_KEY = "sb_flow_key";
  static final String NUMBER = "+15550008000";

  @BeforeAll
  static void start() throws Exception {
    receiver = HubFixture.receiver("/hooks", deliveries);
    hub = HubFixture.prepare(dir);
    flowFile = hub.home.resolve("config/tenants/flow.yaml");
    Files.writeString(flowFile, flow("v1"));
    hub.overrides.put("switchboard.tenants.poll-ms", "300");
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

  /** The test tenant's file: its workflow marks each interaction with the version tag. */
  static String flow(String version) {
    return """
        id: flow
        apiKeys: [%s]
        channels:
          twilio:
            phoneNumbers: ["%s"]
            secrets: {authToken: %s}
        secrets:
          hook: hook-secret
        workflow:
          steps:
            - step: ai.sentiment
            - step: tag
              id: version
              config: {tags: [%s]}
            - id: spam
              stop: {reason: spam}
              when: "interaction.text.startsWith('WIN')"
            - id: triage
              choice:
                when:
                  - id: unhappy
                    condition: "signals.sentiment.label == 'negative'"
                    steps:
                      - step: tag
                        config: {tags: [unhappy]}
                      - step: notify.webhook
                        config: {url: "http://127.0.0.1:%d/hooks", secret: hook, event: customer.unhappy}
                  - id: refund
                    condition: "interaction.text.lowerAscii().contains('refund')"
                    steps:
                      - step: tag
                        config: {tags: [refund]}
                otherwise:
                  - step: tag
                    config: {tags: [general]}
        """.formatted(FLOW_KEY, NUMBER, FLOW_TOKEN, version, receiver.getAddress().getPort());
  }

  static HttpResponse<String> sms(String sid, String from, String text) throws Exception {
    return hub.postTwilio("/webhooks/flow/twilio/sms", TwilioSigner.inboundSms(sid, from, NUMBER, text), FLOW_TOKEN);
  }

  static JsonNode stored(String sid) throws Exception {
    return HubIT.awaitInteractionOn(hub, FLOW_KEY, "flow", sid);
  }

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    HubFixture.await(what, done);
  }


  static JsonNode workflow() throws Exception {
    return Json.MAPPER.readTree(hub.get("/api/v1/tenants/flow/workflow", FLOW_KEY).body());
  }

  @Test
  void branchesRouteEachInteractionAsWrittenAndActionsRunAfterItIsStored() throws Exception {
    String unhappy = HubIT.newSid();
    String refund = HubIT.newSid();
    String plain = HubIT.newSid();
    String spam = HubIT.newSid();
    assertThat(sms(unhappy, "+15551110001", "This is terrible, nothing works").statusCode()).isEqualTo(200);
    assertThat(sms(refund, "+15551110002", "Can I get a refund for my order").statusCode()).isEqualTo(200);
    assertThat(sms(plain, "+15551110003", "What are your opening hours").statusCode()).isEqualTo(200);
    assertThat(sms(spam, "+15551110004", "WIN a free cruise, reply YES").statusCode()).isEqualTo(200);

    assertThat(tags(stored(unhappy))).contains("unhappy").doesNotContain("refund", "general");
    assertThat(tags(stored(refund))).contains("refund").doesNotContain("unhappy", "general");
    assertThat(tags(stored(plain))).contains("general");
    JsonNode spammed = stored(spam);
    assertThat(spammed.path("signals").has("sentiment")).isTrue();
    assertThat(tags(spammed)).doesNotContain("general", "refund", "unhappy");
    assertThat(spammed.path("workflow").path("stopped").asBoolean()).isTrue();
    assertThat(stored(unhappy).path("workflow").path("trace").toString()).contains("\"node\":\"triage\"")
        .contains("\"detail\":\"unhappy\"");

    // the webhook action: delivered once, signed with the tenant's secret over the body
    String interactionId = stored(unhappy).path("id").asText();
    await("the webhook delivery", () -> deliveries.stream().anyMatch(d -> d[1].contains(interactionId)));
    String[] d = deliveries.stream().filter(x -> x[1].contains(interactionId)).findFirst().orElseThrow();
    String t = d[0].substring(2, d[0].indexOf(','));
    assertThat(d[0]).isEqualTo("t=" + t + ",v1=" + ActionDispatcher.sign("hook-secret", Long.parseLong(t),
        d[1].getBytes(StandardCharsets.UTF_8)));
    assertThat(Json.MAPPER.readTree(d[1]).path("type").asText()).isEqualTo("customer.unhappy");
    await("the action marked done", () -> count("select count(*) from actions where tenant_id = 'flow' and interaction_id = ?::uuid"
        + " and status = 'done'", interactionId) == 1);
  }

  @Test
  void aDryRunAnswersWhatWouldHappenAndChangesNothing() throws Exception {
    String[] tables = {"contacts", "conversations", "interactions", "events", "actions", "dead_letters"};
    // let messages of other tests that are still in the pipeline land first
    long settled = -1;
    while (settled != count("select count(*) from interactions")) {
      settled = count("select count(*) from interactions");
      Thread.sleep(1500);
    }
    long[] before = new long[tables.length];
    for (int i = 0; i < tables.length; i++) {
      before[i] = count("select count(*) from " + tables[i]);
    }
    int delivered = deliveries.size();
    HttpResponse<String> r = hub.send("POST", "/api/v1/tenants/flow/workflow/dry-run", FLOW_KEY,
        HttpRequest.BodyPublishers.ofString("""
            {"channel":"sms","from":"+15559990000","text":"This is awful, I hate it","contact":{"displayName":"Ada"}}"""));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode out = Json.MAPPER.readTree(r.body());
    assertThat(out.path("signals").path("sentiment").path("label").asText()).isEqualTo("negative");
    assertThat(out.path("branches").get(0).path("taken").asText()).isEqualTo("unhappy");
    assertThat(out.path("actions").get(0).path("type").asText()).isEqualTo("webhook");
    assertThat(out.path("contact").path("known").asBoolean()).isFalse();

    Thread.sleep(1000);
    for (int i = 0; i < tables.length; i++) {
      assertThat(count("select count(*) from " + tables[i])).as(tables[i]).isEqualTo(before[i]);
    }
    assertThat(deliveries).hasSize(delivered);
    assertThat(count("select count(*) from contacts where phone = '+15559990000'")).isZero();
    assertThat(count("select count(*) from events where payload::text like '%I hate it%'")).isZero();

    HttpResponse<String> bad = hub.send("POST", "/api/v1/tenants/flow/workflow/dry-run", FLOW_KEY,
        HttpRequest.BodyPublishers.ofString("{\"channel\":\"sms\"}"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("missing_field").contains("'from' is required");
    assertThat(hub.send("POST", "/api/v1/tenants/flow/workflow/dry-run", HubFixture.DEMO_KEY,
        HttpRequest.BodyPublishers.ofString("{}")).statusCode()).isEqualTo(404);
  }

  @Test
  void theWorkflowApiShowsTheEffectiveConfigurationWithSecretsRedacted() throws Exception {
    JsonNode w = workflow();
    assertThat(w.path("tenant").asText()).isEqualTo("flow");
    assertThat(w.path("route").asText()).isEqualTo("tenant-flow");
    assertThat(w.path("version").asInt()).isPositive();
    assertThat(w.toString()).doesNotContain(FLOW_TOKEN).doesNotContain("hook-secret").doesNotContain(FLOW_KEY);
    assertThat(w.path("configuration").path("secrets").path("hook").asText()).isEqualTo("<redacted>");
    assertThat(hub.get("/api/v1/tenants/flow/workflow", null).statusCode()).isEqualTo(401);
    assertThat(hub.get("/api/v1/schema/tenant", null).body()).contains("\"tag\"").contains("notify.webhook");
  }

  @Test
  void aReloadUnderLoadLosesAndDuplicatesNothingAndAnInvalidEditKeepsTheOldVersion() throws Exception {
    int versionBefore = workflow().path("version").asInt();
    AtomicBoolean sending = new AtomicBoolean(true);
    AtomicInteger refused = new AtomicInteger();
    List<String> sent = new CopyOnWriteArrayList<>();
    Thread load = new Thread(() -> {
      int n = 0;
      while (sending.get()) {
        String sid = "SMload" + (n++) + "x" + System.nanoTime();
        try {
          if (sms(sid, "+1555222" + String.format("%04d", n % 50), "hello number " + n).statusCode() == 200) {
            sent.add(sid);
          } else {
            refused.incrementAndGet();
          }
        } catch (Exception e) {
          refused.incrementAndGet();
        }
      }
    });
    load.start();
    // three valid versions and one broken edit, while messages flow
    for (String v : List.of("v2", "v3")) {
      Thread.sleep(700);
      Files.writeString(flowFile, flow(v));
      int expected = versionBefore + (v.equals("v2") ? 1 : 2);
      await("version " + v, () -> version() == expected);
    }
    Thread.sleep(500);
    Files.writeString(flowFile, flow("v4").replace("signals.sentiment.label == 'negative'", "signals.sentiment.label =="));
    await("the rejected edit", () -> status().equals("rejected"));
    JsonNode rejected = workflow();
    assertThat(rejected.path("version").asInt()).isEqualTo(versionBefore + 2);
    assertThat(rejected.path("errors").get(0).path("path").asText()).isEqualTo("workflow.steps[3].choice.when[0].condition");
    assertThat(rejected.path("errors").get(0).path("line").asInt()).isPositive();
    Thread.sleep(700);
    sending.set(false);
    load.join();

    assertThat(refused).hasValue(0);
    await("every accepted message stored", () -> count("select count(*) from interactions where tenant_id = 'flow'"
        + " and provider_message_id like 'SMload%'") == sent.size());
    assertThat(count("select count(distinct provider_message_id) from interactions where tenant_id = 'flow'"
        + " and provider_message_id like 'SMload%'")).isEqualTo(sent.size());
    // each ran on exactly one version, from start to end: its version tag matches the version it records
    assertThat(count("""
        select count(*) from interactions where tenant_id = 'flow' and provider_message_id like 'SMload%'
           and jsonb_array_length(signals->'tags') >= 1
           and (signals->'tags'->>0) = 'v' || ((workflow->>'version')::int - ?)""", versionBefore - 1)).isEqualTo(sent.size());
    // the rejected edit changed nothing: new messages still run v3
    String after = HubIT.newSid();
    sms(after, "+15551119999", "still there?");
    assertThat(tags(stored(after))).contains("v3");

    // a removed file disables the tenant; putting it back serves it again
    Files.delete(flowFile);
    await("the tenant disabled", () -> statusIs(404, () -> sms(HubIT.newSid(), "+15551110000", "anyone?")));
    Files.writeString(flowFile, flow("v5"));
    await("the tenant back", () -> statusIs(200, () -> sms(HubIT.newSid(), "+15551110000", "back?")));
  }

  private static int status(ThrowingSupplier<HttpResponse<String>> s) {
    try {
      return s.get().statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static boolean statusIs(int code, ThrowingSupplier<HttpResponse<String>> s) {
    return status(s) == code;
  }

  @FunctionalInterface
  interface ThrowingSupplier<T> {
    T get() throws Exception;
  }

  private static int version() {
    try {
      return workflow().path("version").asInt();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String status() {
    try {
      return workflow().path("status").asText();
    } catch (Exception e) {
      return "";
    }
  }

  private static long count(String sql, Object... args) {
    try {
      return hub.count(sql, args);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> tags(JsonNode interaction) {
    List<String> out = new ArrayList<>();
    interaction.path("signals").path("tags").forEach(t -> out.add(t.asText()));
    return out;
  }
}
