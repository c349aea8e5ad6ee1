package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.Hmac;
import io.switchboard.runtime.util.Json;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crm-hubspot plugin as it ships, inside the real hub: HubSpot's v3-signed webhooks enrich the
 * contact (found later by the HubSpot id they store), an SMS from that contact runs a workflow whose
 * crm.hubspot.task step creates a task in (a local stub of) HubSpot's CRM API with the tenant's own
 * token, and the generic CRM webhook's shared-secret HMAC lets another CRM set fields. Bad
 * signatures, stale timestamps, malformed bodies and unknown tenants are refused and store nothing;
 * a redelivered event is applied once.
 */
class HubSpotCrmIT {

  @TempDir
  static Path dir;
  static HubFixture hub;
  static HttpServer hubspot;
  static final List<String[]> calls = new CopyOnWriteArrayList<>();
  static final HttpClient http = HttpClient.newHttpClient();

  static final String KEY = "sb_crm_key";
  static final String TWILIO_TOKEN = "crm-twilio-token";
  static final String CLIENT_SECRET = "hs-client-secret-3141";
  static final String ACCESS_TOKEN = "pat-na1-crm-0123";
  static final String SIGNING_SECRET = "generic-crm-secret-2718";
  static final String NUMBER = "+15550008000";
  static final String CALLER = "+15551230001";

  @BeforeAll
  static void start() throws Exception {
    // HubSpot's CRM v3 objects API, as it answers creating a task: 201 with the new object's id.
    hubspot = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hubspot.createContext("/crm/v3/objects/", ex -> {
      byte[] in = ex.getRequestBody().readAllBytes();
      calls.add(new String[] {ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Authorization"),
          new String(in, StandardCharsets.UTF_8)});
      byte[] out = "{\"id\": \"9001\", \"properties\": {}, \"archived\": false}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(201, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    hubspot.start();
    hub = HubFixture.prepare(dir);
    Path zip = Path.of(System.getProperty("switchboard.it.optional-plugins", "target/it-optional-plugins"))
        .resolve("switchboard-plugin-crm-hubspot.zip");
    Files.copy(zip, hub.home.resolve("plugins/crm-hubspot.zip"));
    Files.writeString(hub.home.resolve("config/tenants/crm.yaml"), """
        id: crm
        apiKeys: [%s]
        plugins: [crm-hubspot]
        channels:
          twilio:
            phoneNumbers: ["%s"]
            secrets: {authToken: %s}
          hubspot:
            apiBase: http://127.0.0.1:%d
            properties: {lifecyclestage: crm.lifecycleStage}
            secrets: {clientSecret: %s, accessToken: %s}
          crm:
            secrets: {signingSecret: %s}
        workflow:
          steps:
            - step: crm.hubspot.task
              config: {subject: "Call back {{from}}", body: "They wrote: {{text}}", priority: HIGH}
        """.formatted(KEY, NUMBER, TWILIO_TOKEN, hubspot.getAddress().getPort(), CLIENT_SECRET, ACCESS_TOKEN,
        SIGNING_SECRET));
    hub.overrides.put("switchboard.actions.backoff-ms", "100");
    hub.start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
    hubspot.stop(0);
  }

  /** HubSpot's v3 signature, computed here from HubSpot's documentation rather than by the plugin. */
  static String v3(String url, String body, String timestamp) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(CLIENT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return Base64.getEncoder().encodeToString(mac.doFinal(("POST" + url + body + timestamp).getBytes(StandardCharsets.UTF_8)));
  }

  static HttpResponse<String> postHubSpot(String tenant, String body, long timestampMs, boolean goodSignature) throws Exception {
    String url = hub.base() + "/webhooks/" + tenant + "/hubspot/events";
    String ts = String.valueOf(timestampMs);
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("X-HubSpot-Request-Timestamp", ts)
        .header("X-HubSpot-Signature-v3", goodSignature ? v3(url, body, ts) : v3(url, body + " ", ts))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> postCrm(String body, String secret) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return http.send(HttpRequest.newBuilder(URI.create(hub.base() + "/webhooks/crm/crm/events")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("X-Switchboard-Signature", Hmac.timestampedHeader(secret, System.currentTimeMillis() / 1000, bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String events(String... events) {
    return "[" + String.join(",", events) + "]";
  }

  static String propertyChange(long eventId, String property, String value) {
    return "{\"eventId\": " + eventId + ", \"subscriptionId\": 2207, \"portalId\": 62515, \"appId\": 1160452,"
        + " \"occurredAt\": " + System.currentTimeMillis() + ", \"subscriptionType\": \"contact.propertyChange\","
        + " \"attemptNumber\": 0, \"objectId\": 512, \"changeSource\": \"CRM\", \"propertyName\": \"" + property + "\","
        + " \"propertyValue\": \"" + value + "\"}";
  }

  static JsonNode contactAttributes(String address) throws Exception {
    try (var c = hub.hub.dataSource().getConnection();
        var ps = c.prepareStatement("select attributes::text from contacts where tenant_id = 'crm' and phone = ?")) {
      ps.setString(1, address);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? Json.MAPPER.readTree(rs.getString(1)) : null;
      }
    }
  }

  static long updates() throws Exception {
    return hub.count("select count(*) from events where tenant_id = 'crm' and type = 'contact.updated'");
  }

  @Test
  void hubSpotEnrichesTheContactAndTheWorkflowCreatesATaskInHubSpot() throws Exception {
    long now = System.currentTimeMillis();
    String body = events(propertyChange(1001, "phone", CALLER), propertyChange(1002, "lifecyclestage", "customer"));
    // refused before anything is stored: a signature over other bytes, a timestamp older than 5 minutes
    assertThat(postHubSpot("crm", body, now, false).statusCode()).isEqualTo(401);
    HttpResponse<String> stale = postHubSpot("crm", body, now - Duration.ofMinutes(6).toMillis(), true);
    assertThat(stale.statusCode()).isEqualTo(401);
    assertThat(stale.body()).contains("expired_signature").doesNotContain(CLIENT_SECRET);
    assertThat(postHubSpot("nobody", body, now, true).statusCode()).isEqualTo(404);
    assertThat(postHubSpot("crm", "{\"not\": \"an array\"}", now, true).statusCode()).isEqualTo(400);
    assertThat(hub.count("select count(*) from processed_provider_ids where tenant_id = 'crm'")).isZero();

    assertThat(postHubSpot("crm", body, now, true).statusCode()).isEqualTo(200);
    // HubSpot retries what it thinks failed: the same events again are answered and applied once
    assertThat(postHubSpot("crm", body, now, true).statusCode()).isEqualTo(200);
    HubFixture.await("both updates", () -> {
      try {
        JsonNode a = contactAttributes(CALLER);
        return a != null && "customer".equals(a.path("crm").path("lifecycleStage").asText(null));
      } catch (Exception e) {
        return false;
      }
    });
    JsonNode crm = contactAttributes(CALLER).path("crm");
    assertThat(crm.path("hubspot").path("id").asText()).isEqualTo("512");
    assertThat(crm.path("hubspot").path("properties").path("lifecyclestage").asText()).isEqualTo("customer");
    assertThat(updates()).isEqualTo(2);

    hub.postTwilio("/webhooks/crm/twilio/sms", TwilioSigner.inboundSms("SMcrm1", CALLER, NUMBER, "Can someone call me?"),
        TWILIO_TOKEN);
    HubFixture.await("the task to reach HubSpot", () -> calls.stream().anyMatch(c -> c[0].equals("/crm/v3/objects/tasks")));
    String[] task = calls.stream().filter(c -> c[0].equals("/crm/v3/objects/tasks")).findFirst().orElseThrow();
    assertThat(task[1]).isEqualTo("Bearer " + ACCESS_TOKEN);
    JsonNode sent = Json.MAPPER.readTree(task[2]);
    assertThat(sent.path("properties").path("hs_task_subject").asText()).isEqualTo("Call back " + CALLER);
    assertThat(sent.path("properties").path("hs_task_body").asText()).isEqualTo("They wrote: Can someone call me?");
    assertThat(sent.path("properties").path("hs_task_priority").asText()).isEqualTo("HIGH");
    assertThat(sent.path("associations").path(0).path("to").path("id").asText()).as("the stored HubSpot id").isEqualTo("512");
    assertThat(calls).as("a known HubSpot id needs no upsert first").noneMatch(c -> c[0].contains("/contacts/"));
    HubFixture.await("the action to be done", () -> {
      try {
        return hub.count("select count(*) from actions where tenant_id = 'crm' and type = 'crm.hubspot.task' and status = 'done'") == 1;
      } catch (Exception e) {
        return false;
      }
    });
  }

  @Test
  void theGenericCrmWebhookSetsFieldsWithASharedSecret() throws Exception {
    String body = "{\"eventId\": \"crm-evt-1\", \"occurredAt\": \"2026-12-02T10:00:00Z\", \"contact\": {\"email\": \"Erin@Example.com\"},"
        + " \"fields\": {\"crm.plan\": \"enterprise\", \"crm.owner\": \"sam\"}}";
    HttpResponse<String> wrong = postCrm(body, "not-the-secret");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.body()).contains("invalid_signature").doesNotContain(SIGNING_SECRET);
    assertThat(postCrm("{\"eventId\": \"crm-evt-2\", \"fields\": {}}", SIGNING_SECRET).statusCode()).isEqualTo(400);
    assertThat(contactAttributes("erin@example.com")).isNull();

    assertThat(postCrm(body, SIGNING_SECRET).statusCode()).isEqualTo(200);
    HubFixture.await("the generic update", () -> {
      try {
        JsonNode a = contactAttributes("erin@example.com");
        return a != null && "enterprise".equals(a.path("crm").path("plan").asText(null));
      } catch (Exception e) {
        return false;
      }
    });
    assertThat(contactAttributes("erin@example.com").path("crm").path("owner").asText()).isEqualTo("sam");

    // the contacts API finds the contact by its address as the CRM spelled it
    JsonNode page = Json.MAPPER.readTree(hub.get("/api/v1/tenants/crm/contacts?address=Erin@Example.com", KEY).body());
    assertThat(page.path("items")).hasSize(1);
    assertThat(page.path("items").path(0).path("address").asText()).isEqualTo("erin@example.com");
    assertThat(page.path("items").path(0).path("attributes").path("crm").path("plan").asText()).isEqualTo("enterprise");
    assertThat(hub.get("/api/v1/tenants/crm/contacts", HubFixture.ACME_KEY).statusCode()).isEqualTo(404);
  }
}
