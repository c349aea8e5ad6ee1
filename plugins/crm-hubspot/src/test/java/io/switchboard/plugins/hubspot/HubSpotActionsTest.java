package io.switchboard.plugins.hubspot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.WebhookException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CRM actions against a local stub of HubSpot's CRM v3 endpoints, in HubSpot's wire format. */
class HubSpotActionsTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  record Call(String method, String path, String authorization, JsonNode body) {}

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Path to (status, body) answered; unknown paths get 404. */
  private final Map<String, Map.Entry<Integer, String>> answers = new ConcurrentHashMap<>();
  private HttpServer hubspot;
  private HubSpotActions actions;

  @BeforeEach
  void start() throws Exception {
    hubspot = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hubspot.createContext("/", exchange -> {
      byte[] in = exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      calls.add(new Call(exchange.getRequestMethod(), path, exchange.getRequestHeaders().getFirst("Authorization"),
          in.length == 0 ? null : JSON.readTree(in)));
      var answer = answers.getOrDefault(path, Map.entry(404, "{\"status\":\"error\",\"message\":\"Not found\","
          + "\"correlationId\":\"c0ffee00-0000-4000-8000-000000000000\",\"category\":\"OBJECT_NOT_FOUND\"}"));
      byte[] out = answer.getValue().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json;charset=utf-8");
      exchange.sendResponseHeaders(answer.getKey(), out.length);
      exchange.getResponseBody().write(out);
      exchange.close();
    });
    hubspot.start();
    answers.put("/crm/v3/objects/contacts/batch/upsert", Map.entry(200, "{\"status\":\"COMPLETE\",\"results\":[{\"id\":\"512\","
        + "\"properties\":{\"email\":\"dana@example.com\",\"hs_object_id\":\"512\"},\"createdAt\":\"2026-01-05T09:00:00Z\","
        + "\"updatedAt\":\"2026-12-02T10:00:00Z\",\"archived\":false,\"new\":false}],\"startedAt\":\"2026-12-02T10:00:00Z\","
        + "\"completedAt\":\"2026-12-02T10:00:00.1Z\"}"));
    answers.put("/crm/v3/objects/tasks", Map.entry(201, "{\"id\":\"9001\",\"properties\":{\"hs_task_subject\":\"Call back\"},"
        + "\"createdAt\":\"2026-12-02T10:00:00Z\",\"archived\":false}"));
    answers.put("/crm/v3/objects/notes", Map.entry(201, "{\"id\":\"7001\",\"properties\":{},\"archived\":false}"));
    actions = new HubSpotActions(HttpClient.newHttpClient(), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    hubspot.stop(0);
  }

  private ChannelSettings tenant(String id, String token) {
    return new ChannelSettings(id, Map.of("apiBase", "http://127.0.0.1:" + hubspot.getAddress().getPort()),
        Map.of("accessToken", token));
  }

  @Test
  void contactIsUpsertedByEmailWithTheTenantsOwnToken() throws Exception {
    Map<String, Object> out = actions.perform(HubSpotActions.CONTACT, Map.of("email", "dana@example.com",
        "name", "Dana van Dijk", "phone", "+31612345678", "properties", Map.of("lifecyclestage", "lead")),
        "act-1", tenant("acme", "pat-na1-acme"));

    assertThat(out).containsEntry("contactId", "512");
    Call c = calls.get(0);
    assertThat(c.method()).isEqualTo("POST");
    assertThat(c.authorization()).isEqualTo("Bearer pat-na1-acme");
    JsonNode input = c.body().path("inputs").path(0);
    assertThat(input.path("idProperty").asText()).isEqualTo("email");
    assertThat(input.path("id").asText()).isEqualTo("dana@example.com");
    assertThat(input.path("properties").path("firstname").asText()).isEqualTo("Dana");
    assertThat(input.path("properties").path("lastname").asText()).isEqualTo("van Dijk");
    assertThat(input.path("properties").path("phone").asText()).isEqualTo("+31612345678");
    assertThat(input.path("properties").path("lifecyclestage").asText()).isEqualTo("lead");
  }

  @Test
  void taskForAContactWithoutAHubSpotIdUpsertsItFirstAndAssociatesTheTask() throws Exception {
    Map<String, Object> out = actions.perform(HubSpotActions.TASK, Map.of("email", "dana@example.com",
        "subject", "Call back +31612345678", "body", "Asked about a refund", "priority", "HIGH"),
        "act-2", tenant("acme", "pat-na1-acme"));

    assertThat(out).containsEntry("taskId", "9001").containsEntry("contactId", "512");
    assertThat(calls).extracting(Call::path).containsExactly("/crm/v3/objects/contacts/batch/upsert", "/crm/v3/objects/tasks");
    JsonNode task = calls.get(1).body();
    assertThat(task.path("properties").path("hs_task_subject").asText()).isEqualTo("Call back +31612345678");
    assertThat(task.path("properties").path("hs_task_priority").asText()).isEqualTo("HIGH");
    assertThat(task.path("properties").path("hs_task_status").asText()).isEqualTo("NOT_STARTED");
    assertThat(task.path("properties").path("hs_timestamp").asText()).isEqualTo(NOW.toString());
    JsonNode assoc = task.path("associations").path(0);
    assertThat(assoc.path("to").path("id").asText()).isEqualTo("512");
    assertThat(assoc.path("types").path(0).path("associationCategory").asText()).isEqualTo("HUBSPOT_DEFINED");
    assertThat(assoc.path("types").path(0).path("associationTypeId").asInt()).isEqualTo(204);
  }

  @Test
  void noteForAKnownHubSpotIdCallsOnlyTheNotesEndpoint() throws Exception {
    Map<String, Object> out = actions.perform(HubSpotActions.NOTE, Map.of("hubspotId", "777", "body", "sms message: hi"),
        "act-3", tenant("acme", "pat-na1-acme"));

    assertThat(out).containsEntry("noteId", "7001").containsEntry("contactId", "777");
    assertThat(calls).extracting(Call::path).containsExactly("/crm/v3/objects/notes");
    JsonNode note = calls.get(0).body();
    assertThat(note.path("properties").path("hs_note_body").asText()).isEqualTo("sms message: hi");
    assertThat(note.path("associations").path(0).path("to").path("id").asText()).isEqualTo("777");
    assertThat(note.path("associations").path(0).path("types").path(0).path("associationTypeId").asInt()).isEqualTo(202);
  }

  @Test
  void eachTenantsCallCarriesOnlyItsOwnToken() throws Exception {
    actions.perform(HubSpotActions.NOTE, Map.of("hubspotId", "1", "body", "a"), "a", tenant("acme", "pat-acme"));
    actions.perform(HubSpotActions.NOTE, Map.of("hubspotId", "2", "body", "b"), "b", tenant("globex", "pat-globex"));

    assertThat(calls).extracting(Call::authorization).containsExactly("Bearer pat-acme", "Bearer pat-globex");
  }

  @Test
  void hubSpotsRefusalKeepsItsStatusCategoryAndCorrelationIdButNeverTheToken() {
    answers.put("/crm/v3/objects/tasks", Map.entry(400, "{\"status\":\"error\",\"message\":\"Property values were not valid:"
        + " hs_task_priority\",\"correlationId\":\"8f3c2a1e-1111-4222-8333-444455556666\",\"category\":\"VALIDATION_ERROR\"}"));

    WebhookException e = catchThrowableOfType(() -> actions.perform(HubSpotActions.TASK,
        Map.of("hubspotId", "512", "subject", "x"), "act-4", tenant("acme", "pat-secret-token")), WebhookException.class);

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("hubspot_validation_error");
    assertThat(e.getMessage()).contains("Property values were not valid").contains("8f3c2a1e-1111-4222-8333-444455556666")
        .doesNotContain("pat-secret-token");
  }

  @Test
  void anUnreachableHubSpotIsRetryable() {
    hubspot.stop(0);
    WebhookException e = catchThrowableOfType(() -> actions.perform(HubSpotActions.NOTE,
        Map.of("hubspotId", "512", "body", "x"), "act-5", tenant("acme", "pat")), WebhookException.class);
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.code()).isEqualTo("hubspot_unreachable");
  }

  @Test
  void anActionWithoutWhatItNeedsSaysWhich() {
    Throwable e = catchThrowableOfType(() -> actions.perform(HubSpotActions.NOTE, Map.of("hubspotId", "512"),
        "act-6", tenant("acme", "pat")), IllegalArgumentException.class);
    assertThat(e).hasMessageContaining("'body'");
  }
}
