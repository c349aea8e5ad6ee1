package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.Hmac;
import io.switchboard.runtime.util.Json;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outgoing webhooks through the real hub: a tenant subscribes a URL to event types, each matching
 * event is delivered once, signed with the subscription's own secret (shown only when created),
 * retried with backoff after a failure, every attempt logged, and a failed delivery can be replayed.
 */
class SubscriptionsIT {

  @TempDir
  static Path dir;
  static HubFixture hub;
  static HttpServer receiver;
  static final List<String[]> received = new CopyOnWriteArrayList<>();
  static final AtomicInteger flaky = new AtomicInteger();
  static volatile int brokenStatus = 500;

  static final String KEY = "sb_subs_key";
  static final String TOKEN = "subs-token";
  static final String NUMBER = "+15550009100";

  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // answers 500 to the first delivery, then 200
    receiver.createContext("/flaky", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      received.add(new String[] {ex.getRequestHeaders().getFirst("X-Switchboard-Signature"),
          ex.getRequestHeaders().getFirst("X-Switchboard-Event"), new String(body, StandardCharsets.UTF_8)});
      int status = flaky.getAndIncrement() == 0 ? 500 : 200;
      ex.sendResponseHeaders(status, -1);
      ex.close();
    });
    receiver.createContext("/broken", ex -> {
      ex.getRequestBody().readAllBytes();
      ex.sendResponseHeaders(brokenStatus, -1);
      ex.close();
    });
    receiver.start();
    hub = HubFixture.prepare(dir);
    Files.writeString(hub.home.resolve("config/tenants/subs.yaml"), """
        id: subs
        apiKeys: [%s]
        channels:
          twilio:
            phoneNumbers: ["%s"]
            secrets: {authToken: %s}
        workflow:
          steps:
            - step: tag
              config: {tags: [subscribed]}
        """.formatted(KEY, NUMBER, TOKEN));
    hub.overrides.put("switchboard.actions.backoff-ms", "200");
    hub.overrides.put("switchboard.actions.max-attempts", "3");
    hub.start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
    receiver.stop(0);
  }

  static HttpResponse<String> call(String method, String path, String body) throws Exception {
    return hub.send(method, path, KEY, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
  }

  static String url(String path) {
    return "http://127.0.0.1:" + receiver.getAddress().getPort() + path;
  }

  static JsonNode deliveries(String subscription) throws Exception {
    return Json.MAPPER.readTree(call("GET", "/api/v1/tenants/subs/subscriptions/" + subscription + "/deliveries", null).body())
        .path("items");
  }

  @Test
  void eventsAreDeliveredSignedRetriedLoggedAndReplayable() throws Exception {
    // bad requests say what to fix and create nothing
    HttpResponse<String> bad = call("POST", "/api/v1/tenants/subs/subscriptions",
        "{\"url\": \"" + url("/flaky") + "\", \"events\": [\"interaction.recieved\"]}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("interaction.recieved").contains("interaction.received");
    assertThat(call("POST", "/api/v1/tenants/subs/subscriptions", "{\"url\": \"ftp://x\", \"events\": [\"*\"]}").statusCode())
        .isEqualTo(400);
    assertThat(call("POST", "/api/v1/tenants/subs/subscriptions", "not json").statusCode()).isEqualTo(400);

    HttpResponse<String> created = call("POST", "/api/v1/tenants/subs/subscriptions",
        "{\"url\": \"" + url("/flaky") + "\", \"events\": [\"interaction.received\"], \"description\": \"crm\"}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode sub = Json.MAPPER.readTree(created.body());
    String secret = sub.path("secret").asText();
    assertThat(secret).startsWith("whsec_");
    String id = sub.path("id").asText();
    JsonNode broken = Json.MAPPER.readTree(call("POST", "/api/v1/tenants/subs/subscriptions",
        "{\"url\": \"" + url("/broken") + "\", \"events\": [\"*\"]}").body());
    // the secret is shown once: never by GET, never in the list
    assertThat(call("GET", "/api/v1/tenants/subs/subscriptions/" + id, null).body()).doesNotContain(secret).contains("crm");
    JsonNode list = Json.MAPPER.readTree(call("GET", "/api/v1/tenants/subs/subscriptions?limit=1", null).body());
    assertThat(list.path("items")).hasSize(1);
    assertThat(list.path("nextCursor").isTextual()).isTrue();
    JsonNode page2 = Json.MAPPER.readTree(call("GET", "/api/v1/tenants/subs/subscriptions?limit=1&cursor="
        + list.path("nextCursor").asText(), null).body());
    assertThat(page2.path("items")).hasSize(1);
    assertThat(page2.path("items").get(0).path("id")).isNotEqualTo(list.path("items").get(0).path("id"));
    assertThat(list.toString() + page2).doesNotContain("whsec_");
    // another tenant's key sees none of it
    assertThat(hub.get("/api/v1/tenants/subs/subscriptions/" + id, HubFixture.ACME_KEY).statusCode()).isEqualTo(404);

    hub.postTwilio("/webhooks/subs/twilio/sms", TwilioSigner.inboundSms("SMsub1", "+15551239100", NUMBER, "hi"), TOKEN);

    HubFixture.await("the delivery to succeed on its second attempt", () -> {
      try {
        return "done".equals(deliveries(id).path(0).path("status").asText());
      } catch (Exception e) {
        return false;
      }
    });
    JsonNode d = deliveries(id).get(0);
    assertThat(d.path("eventType").asText()).isEqualTo("interaction.received");
    assertThat(d.path("attempts").asInt()).isEqualTo(2);
    assertThat(d.path("attemptLog")).hasSize(2);
    assertThat(d.path("attemptLog").get(0).path("statusCode").asInt()).isEqualTo(500);
    assertThat(d.path("attemptLog").get(1).path("statusCode").asInt()).isEqualTo(200);
    assertThat(received).hasSize(2);
    String[] last = received.get(1);
    assertThat(last[1]).isEqualTo("interaction.received");
    // the receiver checks the signature with the subscription's secret
    String t = last[0].substring(2, last[0].indexOf(','));
    String v1 = last[0].substring(last[0].indexOf("v1=") + 3);
    assertThat(Hmac.sha256Hex(secret, Long.parseLong(t), last[2].getBytes(StandardCharsets.UTF_8))).isEqualTo(v1);
    assertThat(Json.MAPPER.readTree(last[2]).path("text").asText()).isEqualTo("hi");

    // the broken receiver: failed after max-attempts, each attempt logged; replayed once it works
    String brokenId = broken.path("id").asText();
    HubFixture.await("the broken delivery to fail", () -> {
      try {
        return "failed".equals(deliveries(brokenId).path(0).path("status").asText());
      } catch (Exception e) {
        return false;
      }
    });
    assertThat(deliveries(brokenId).get(0).path("attemptLog")).hasSize(3);
    brokenStatus = 204;
    HttpResponse<String> replay = call("POST", "/api/v1/tenants/subs/subscriptions/" + brokenId + "/replay", null);
    assertThat(replay.statusCode()).isEqualTo(202);
    assertThat(Json.MAPPER.readTree(replay.body()).path("replayed").asInt()).isEqualTo(1);
    HubFixture.await("the replayed delivery to succeed", () -> {
      try {
        return "done".equals(deliveries(brokenId).path(0).path("status").asText());
      } catch (Exception e) {
        return false;
      }
    });
    assertThat(deliveries(brokenId).get(0).path("attemptLog")).hasSize(4);
    assertThat(call("POST", "/api/v1/tenants/subs/deliveries/" + d.path("id").asText() + "/replay", null).statusCode())
        .isEqualTo(202);
    assertThat(call("POST", "/api/v1/tenants/subs/deliveries/00000000-0000-0000-0000-000000000000/replay", null).statusCode())
        .isEqualTo(404);
    // one delivery per subscription and event: no duplicates from the fan-out
    assertThat(hub.count("select count(*) from actions where tenant_id = 'subs' and type = 'delivery'")).isEqualTo(2);
  }
}
