package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.util.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The knowledge base on a real hub with the ai-local plugin: documents through the API, search,
 * tenant isolation, the ai.kb step in a workflow, the index rebuilt when the plugin restarts, and
 * changes another hub wrote to the shared database picked up by polling.
 */
class KnowledgeIT {

  @TempDir
  static Path dir;

  static HubFixture hub;

  static final String KEY = "sb_kb_key";
  static final String TOKEN = "kb-token";
  static final String NUMBER = "+15550009000";
  static final String ADMIN = "kb-admin-key";
  static final String DOCS = "/api/v1/tenants/kbt/kb/documents";
  static final String DEMO = HubFixture.DEMO_KEY;
  static final String DEMO_DOCS = "/api/v1/tenants/demo/kb/documents";

  @BeforeAll
  static void start() throws Exception {
    hub = HubFixture.prepare(dir);
    Files.writeString(hub.home.resolve("config/tenants/kbt.yaml"), """
        id: kbt
        apiKeys: [%s]
        channels:
          twilio:
            phoneNumbers: ["%s"]
            secrets: {authToken: %s}
        plugins: [ai-local]
        workflow:
          steps:
            - step: ai.kb
              config:
                sources: [kb/demo/*.md, kb/demo/faq.csv]
                topK: 3
        """.formatted(KEY, NUMBER, TOKEN));
    hub.overrides.put(SwitchboardConfig.ADMIN_API_KEY, ADMIN);
    hub.overrides.put("switchboard.kb.max-document-bytes", "4096");
    hub.overrides.put("switchboard.kb.poll-ms", "200");
    hub.start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  static HttpResponse<String> put(String id, String key, String contentType, String body) throws Exception {
    return put("kbt", id, key, contentType, body);
  }

  static HttpResponse<String> put(String tenant, String id, String key, String contentType, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.base() + "/api/v1/tenants/" + tenant + "/kb/documents/" + id))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
        .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return hub.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> search(String tenant, String key, String body) throws Exception {
    return hub.send("POST", "/api/v1/tenants/" + tenant + "/kb/search", key, HttpRequest.BodyPublishers.ofString(body));
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  static JsonNode passages(String tenant, String key, String query) throws Exception {
    HttpResponse<String> r = search(tenant, key, "{\"query\": \"" + query + "\", \"k\": 3}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r).path("passages");
  }

  static void await(String what, ThrowingCondition done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  interface ThrowingCondition {
    boolean holds() throws Exception;
  }

  @Test
  void documentsAreStoredSearchedListedAndDeleted() throws Exception {
    HttpResponse<String> created = put("demo", "passwords", DEMO, "application/json", """
        {"title": "Passwords", "source": "https://help.example.com/passwords",
         "text": "# Passwords\\n\\n## Resetting your password\\n\\nChoose Forgot password on the sign-in page and follow the link we email you."}
        """);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created).path("id").asText()).isEqualTo("passwords");
    assertThat(json(created).has("text")).isFalse();
    HttpResponse<String> markdown = put("demo", "delivery?title=Delivery", DEMO, "text/markdown",
        "# Delivery\n\nParcels ship the same day when ordered before 2 pm and arrive in two to four days.\n");
    assertThat(markdown.statusCode()).as(markdown.body()).isEqualTo(201);
    HttpResponse<String> faq = put("demo", "faq.csv", DEMO, "text/csv",
        "question,answer\nCan I pay by invoice?,Yes: choose Invoice at checkout; payment is due in 30 days.\n");
    assertThat(faq.statusCode()).as(faq.body()).isEqualTo(201);
    // a second put replaces
    assertThat(put("demo", "delivery?title=Delivery", DEMO, "text/markdown",
        "# Delivery\n\nParcels ship the same day when ordered before 2 pm and arrive in two to four working days.\n")
        .statusCode()).isEqualTo(200);

    JsonNode found = passages("demo", DEMO, "how do I reset my password");
    assertThat(found.get(0).path("documentId").asText()).isEqualTo("passwords");
    assertThat(found.get(0).path("title").asText()).isEqualTo("Resetting your password");
    assertThat(found.get(0).path("source").asText()).isEqualTo("https://help.example.com/passwords");
    assertThat(found.get(0).path("score").asDouble()).isGreaterThan(found.get(1).path("score").asDouble());
    assertThat(passages("demo", DEMO, "can I pay with an invoice").get(0).path("text").asText()).startsWith("Yes: choose Invoice");

    // the list is paginated as the read API is, without the texts
    JsonNode page1 = json(hub.get(DEMO_DOCS + "?limit=2", DEMO));
    assertThat(page1.path("items").findValuesAsText("id")).containsExactly("delivery", "faq.csv");
    assertThat(page1.path("items").get(0).has("text")).isFalse();
    assertThat(page1.path("items").get(0).path("title").asText()).isEqualTo("Delivery");
    JsonNode page2 = json(hub.get(DEMO_DOCS + "?limit=2&cursor=" + page1.path("nextCursor").asText(), DEMO));
    assertThat(page2.path("items").findValuesAsText("id")).containsExactly("passwords");
    assertThat(page2.path("nextCursor").isNull()).isTrue();
    JsonNode one = json(hub.get(DEMO_DOCS + "/delivery", DEMO));
    assertThat(one.path("text").asText()).contains("two to four working days");

    HttpResponse<String> deleted = hub.send("DELETE", DEMO_DOCS + "/delivery", DEMO, HttpRequest.BodyPublishers.noBody());
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(hub.get(DEMO_DOCS + "/delivery", DEMO).statusCode()).isEqualTo(404);
    assertThat(json(hub.get(DEMO_DOCS + "/delivery", DEMO)).path("code").asText()).isEqualTo("document_not_found");
    assertThat(hub.send("DELETE", DEMO_DOCS + "/delivery", DEMO, HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(404);
    assertThat(passages("demo", DEMO, "when will my parcel arrive").findValuesAsText("documentId")).doesNotContain("delivery");
  }

  @Test
  void anotherTenantsKeySeesNothing() throws Exception {
    assertThat(put("secret-plan", KEY, "text/plain", "The kbt tenant's secret plan: reset every password on Fridays.")
        .statusCode()).isIn(200, 201);

    for (HttpResponse<String> r : List.of(hub.get(DOCS, HubFixture.ACME_KEY), hub.get(DOCS + "/secret-plan", HubFixture.ACME_KEY),
        search("kbt", HubFixture.ACME_KEY, "{\"query\": \"secret plan\"}"),
        put("secret-plan", HubFixture.ACME_KEY, "text/plain", "overwritten"),
        hub.send("DELETE", DOCS + "/secret-plan", HubFixture.ACME_KEY, HttpRequest.BodyPublishers.noBody()))) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
      assertThat(json(r).path("code").asText()).isEqualTo("unknown_tenant");
    }
    assertThat(hub.get(DOCS, null).statusCode()).isEqualTo(401);
    // acme's own knowledge base is empty: kbt's documents are not in it
    assertThat(passages("acme", HubFixture.ACME_KEY, "secret plan")).isEmpty();
    assertThat(json(hub.get("/api/v1/tenants/acme/kb/documents", HubFixture.ACME_KEY)).path("items")).isEmpty();
    assertThat(json(hub.get(DOCS + "/secret-plan", KEY)).path("text").asText()).contains("secret plan");
  }

  @Test
  void badRequestsSayWhatIsWrong() throws Exception {
    HttpResponse<String> malformed = put("x", KEY, "application/json", "{not json");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(json(malformed).path("code").asText()).isEqualTo("malformed_json");
    HttpResponse<String> noText = put("x", KEY, "application/json", "{\"title\": \"No text\"}");
    assertThat(noText.statusCode()).isEqualTo(400);
    assertThat(json(noText).path("code").asText()).isEqualTo("missing_field");
    assertThat(json(noText).path("message").asText()).contains("'text'");
    HttpResponse<String> unknown = put("x", KEY, "application/json", "{\"text\": \"hi\", \"body\": 1}");
    assertThat(json(unknown).path("message").asText()).contains("unknown field 'body'");
    HttpResponse<String> tooLarge = put("big", KEY, "text/plain", "word ".repeat(1000));
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(json(tooLarge).path("code").asText()).isEqualTo("document_too_large");
    assertThat(json(tooLarge).path("message").asText()).contains("switchboard.kb.max-document-bytes");
    HttpResponse<String> wayTooLarge = put("big", KEY, "text/plain", "word ".repeat(20_000));
    assertThat(wayTooLarge.statusCode()).isEqualTo(413);
    assertThat(json(wayTooLarge).path("code").asText()).isEqualTo("document_too_large");
    HttpResponse<String> badFaq = put("bad.csv", KEY, "text/csv", "q,a\nx,y\n");
    assertThat(badFaq.statusCode()).isEqualTo(400);
    assertThat(json(badFaq).path("message").asText()).contains("question and answer");
    assertThat(hub.get(DOCS + "/bad.csv", KEY).statusCode()).isEqualTo(404);
    assertThat(put("no/slash", KEY, "text/plain", "x").statusCode()).isEqualTo(404);
    assertThat(json(put("-dash", KEY, "text/plain", "x")).path("code").asText()).isEqualTo("invalid_document_id");
    HttpResponse<String> noQuery = search("kbt", KEY, "{\"k\": 3}");
    assertThat(noQuery.statusCode()).isEqualTo(400);
    assertThat(json(noQuery).path("message").asText()).contains("'query'");
    assertThat(json(search("kbt", KEY, "{\"query\": \"x\", \"k\": 0}")).path("message").asText()).contains("'k'");
    assertThat(json(hub.get(DOCS + "?limit=0", KEY)).path("code").asText()).isEqualTo("invalid_limit");
    assertThat(json(hub.get(DOCS + "?cursor=nonsense!", KEY)).path("code").asText()).isEqualTo("invalid_cursor");
  }

  @Test
  void theWorkflowsAiKbStepSignalsPassagesAndAnAnswer() throws Exception {
    String sid = HubIT.newSid();
    HttpResponse<String> r = hub.postTwilio("/webhooks/kbt/twilio/sms",
        TwilioSigner.inboundSms(sid, "+15551239001", NUMBER, "how do I reset my password"), TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);

    JsonNode kb = HubIT.awaitInteractionOn(hub, KEY, "kbt", sid).path("signals").path("kb");

    assertThat(kb.path("query").asText()).isEqualTo("how do I reset my password");
    JsonNode best = kb.path("passages").get(0);
    assertThat(best.path("id").asText()).isEqualTo("kb/demo/faq.csv");
    assertThat(best.path("title").asText()).isEqualTo("How do I reset my password?");
    assertThat(best.path("score").asDouble()).isGreaterThanOrEqualTo(0.75);
    assertThat(kb.path("answer").asText()).startsWith("Choose Forgot password");
    assertThat(kb.path("passages").findValuesAsText("id")).allSatisfy(id -> assertThat(id).startsWith("kb/demo/"));
  }

  @Test
  void theIndexIsRebuiltWhenThePluginRestartsAndOtherHubsChangesArrive() throws Exception {
    assertThat(put("returns", KEY, "text/markdown", "# Returns\n\nReturn any item within 30 days for a full refund.\n")
        .statusCode()).isIn(200, 201);

    HttpResponse<String> disabled = hub.send("POST", "/api/v1/plugins/ai-local/disable", ADMIN, HttpRequest.BodyPublishers.noBody());
    assertThat(disabled.statusCode()).as(disabled.body()).isEqualTo(200);
    try {
      HttpResponse<String> unavailable = search("kbt", KEY, "{\"query\": \"refund\"}");
      assertThat(unavailable.statusCode()).isEqualTo(503);
      assertThat(json(unavailable).path("code").asText()).isEqualTo("kb_unavailable");
      assertThat(json(unavailable).path("message").asText()).contains("ai-local");
      assertThat(put("other", KEY, "text/plain", "x").statusCode()).isEqualTo(503);
      // listing and reading stored documents do not need the index
      assertThat(hub.get(DOCS + "/returns", KEY).statusCode()).isEqualTo(200);
    } finally {
      HttpResponse<String> enabled = hub.send("POST", "/api/v1/plugins/ai-local/enable", ADMIN, HttpRequest.BodyPublishers.noBody());
      assertThat(enabled.statusCode()).as(enabled.body()).isEqualTo(200);
    }
    // the restarted plugin's index starts empty and is fed every stored document in the background
    await("the returns document back in the index", () ->
        passages("kbt", KEY, "can I return an item").findValuesAsText("documentId").contains("returns"));

    // another hub sharing the database writes a document: this hub's poll picks it up
    try (Connection c = hub.hub.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
        "insert into kb_documents (tenant_id, document_id, title, source, text) values ('kbt', 'gift-cards', 'Gift cards', '',"
            + " '# Gift cards\n\nGift cards never expire and can be used for any order.')")) {
      ps.executeUpdate();
    }
    await("the other hub's document in the index", () ->
        passages("kbt", KEY, "do gift cards expire").findValuesAsText("documentId").contains("gift-cards"));
    try (Connection c = hub.hub.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(
        "update kb_documents set deleted = true, text = '', updated_at = clock_timestamp() where tenant_id = 'kbt' and document_id = 'gift-cards'")) {
      ps.executeUpdate();
    }
    await("the other hub's delete applied", () ->
        !passages("kbt", KEY, "do gift cards expire").findValuesAsText("documentId").contains("gift-cards"));
  }
}
