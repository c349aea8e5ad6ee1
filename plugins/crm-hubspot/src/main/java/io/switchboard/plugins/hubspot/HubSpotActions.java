package io.switchboard.plugins.hubspot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.api.ActionPerformer;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.PluginContext;
import io.switchboard.api.WebhookException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The {@code crm.hubspot.*} actions, through HubSpot's CRM API v3 with the tenant's private-app
 * token ({@code channels.hubspot.secrets.accessToken}, sent as {@code Authorization: Bearer}) at
 * {@code channels.hubspot.apiBase} (default {@value #DEFAULT_BASE}):
 *
 * <ul>
 *   <li>{@code crm.hubspot.contact}: upserts the contact by e-mail
 *       ({@code POST /crm/v3/objects/contacts/batch/upsert}, {@code idProperty: email});
 *   <li>{@code crm.hubspot.task}: creates a task ({@code POST /crm/v3/objects/tasks}) associated
 *       with the contact (association type {@value #TASK_TO_CONTACT}, task to contact);
 *   <li>{@code crm.hubspot.note}: creates a note ({@code POST /crm/v3/objects/notes}) associated
 *       with the contact (association type {@value #NOTE_TO_CONTACT}).
 * </ul>
 *
 * A task or note for a contact HubSpot does not know by id yet ({@code crm.hubspot.id}, which the
 * webhooks store) first upserts it by e-mail. HubSpot's refusals keep their status: a 4xx (but 429)
 * fails the action for good, anything else is retried by the hub.
 */
@Extension
public class HubSpotActions implements ActionPerformer {

  static final String CONTACT = "crm.hubspot.contact";
  static final String TASK = "crm.hubspot.task";
  static final String NOTE = "crm.hubspot.note";
  static final String DEFAULT_BASE = "https://api.hubapi.com";
  static final int TASK_TO_CONTACT = 204;
  static final int NOTE_TO_CONTACT = 202;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final Clock clock;

  public HubSpotActions(PluginContext context) {
    this(context.httpClient(Duration.ofSeconds(10)), Clock.systemUTC());
  }

  HubSpotActions(HttpClient http, Clock clock) {
    this.http = http;
    this.clock = clock;
  }

  @Override
  public Set<String> types() {
    return Set.of(CONTACT, TASK, NOTE);
  }

  @Override
  public String connector() {
    return HubSpotConnector.ID;
  }

  @Override
  public Map<String, Object> perform(String type, Map<String, Object> payload, String idempotencyKey,
      ChannelSettings settings) throws WebhookException {
    String token = settings.requireSecret("accessToken");
    String base = settings.value("apiBase").map(String::strip).filter(s -> !s.isEmpty()).orElse(DEFAULT_BASE);
    return switch (type) {
      case CONTACT -> Map.of("contactId", upsert(base, token, payload));
      case TASK -> {
        String contact = contactId(base, token, payload);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("hs_timestamp", clock.instant().toString());
        props.put("hs_task_subject", required(payload, "subject"));
        props.put("hs_task_body", String.valueOf(payload.getOrDefault("body", "")));
        props.put("hs_task_status", "NOT_STARTED");
        props.put("hs_task_priority", String.valueOf(payload.getOrDefault("priority", "MEDIUM")));
        yield Map.of("taskId", create(base, token, "tasks", props, contact, TASK_TO_CONTACT), "contactId", contact);
      }
      case NOTE -> {
        String contact = contactId(base, token, payload);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("hs_timestamp", clock.instant().toString());
        props.put("hs_note_body", required(payload, "body"));
        yield Map.of("noteId", create(base, token, "notes", props, contact, NOTE_TO_CONTACT), "contactId", contact);
      }
      default -> throw new IllegalArgumentException("no HubSpot action '" + type + "'; there are " + types());
    };
  }

  private String contactId(String base, String token, Map<String, Object> payload) throws WebhookException {
    Object known = payload.get("hubspotId");
    if (known != null && !String.valueOf(known).isBlank()) {
      return String.valueOf(known);
    }
    return upsert(base, token, payload);
  }

  /** Creates or updates the contact by e-mail; its HubSpot id. */
  private String upsert(String base, String token, Map<String, Object> payload) throws WebhookException {
    String email = required(payload, "email");
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("email", email);
    if (payload.get("phone") != null) {
      props.put("phone", String.valueOf(payload.get("phone")));
    }
    if (payload.get("name") != null) {
      String name = String.valueOf(payload.get("name")).strip();
      int space = name.indexOf(' ');
      props.put("firstname", space < 0 ? name : name.substring(0, space));
      if (space > 0) {
        props.put("lastname", name.substring(space + 1).strip());
      }
    }
    if (payload.get("properties") instanceof Map<?, ?> extra) {
      extra.forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    }
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("idProperty", "email");
    input.put("id", email);
    input.put("properties", props);
    JsonNode res = post(base + "/crm/v3/objects/contacts/batch/upsert", token, Map.of("inputs", List.of(input)));
    String id = res.path("results").path(0).path("id").asText("");
    if (id.isEmpty()) {
      throw new WebhookException(502, "hubspot_error", "HubSpot's upsert answer has no results[0].id");
    }
    return id;
  }

  private String create(String base, String token, String object, Map<String, Object> props, String contact,
      int associationType) throws WebhookException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("properties", props);
    body.put("associations", List.of(Map.of("to", Map.of("id", contact),
        "types", List.of(Map.of("associationCategory", "HUBSPOT_DEFINED", "associationTypeId", associationType)))));
    String id = post(base + "/crm/v3/objects/" + object, token, body).path("id").asText("");
    if (id.isEmpty()) {
      throw new WebhookException(502, "hubspot_error", "HubSpot's answer to creating a " + object + " has no id");
    }
    return id;
  }

  private JsonNode post(String url, String token, Object body) throws WebhookException {
    HttpResponse<String> res;
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(10))
          .header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json")
          .header("Accept", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
          .build();
      res = http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new WebhookException(503, "hubspot_unreachable", "HubSpot's API at " + URI.create(url).getHost()
          + " could not be reached: " + e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebhookException(503, "hubspot_unreachable", "interrupted while calling HubSpot");
    }
    JsonNode answer;
    try {
      answer = res.body() == null || res.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(res.body());
    } catch (IOException e) {
      answer = JSON.createObjectNode();
    }
    if (res.statusCode() / 100 != 2) {
      // HubSpot's error body: {"status": "error", "message": "...", "category": "VALIDATION_ERROR", "correlationId": "..."}
      throw new WebhookException(res.statusCode(), "hubspot_" + answer.path("category").asText("error").toLowerCase(java.util.Locale.ROOT),
          "HubSpot answered " + res.statusCode() + ": " + answer.path("message").asText("(no message)")
              + (answer.has("correlationId") ? " (correlationId " + answer.path("correlationId").asText() + ")" : ""));
    }
    return answer;
  }

  private static String required(Map<String, Object> payload, String key) {
    Object v = payload.get(key);
    if (v == null || String.valueOf(v).isBlank()) {
      throw new IllegalArgumentException("the action has no '" + key + "'"
          + ("email".equals(key) ? ": the contact has no e-mail address and no crm.hubspot.id" : ""));
    }
    return String.valueOf(v);
  }
}
