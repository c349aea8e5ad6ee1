package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.runtime.spine.Spine;
import io.switchboard.runtime.util.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The walking skeleton end to end: signed Twilio SMS → webhook → Kafka → pipeline → PostgreSQL → event. */
class HubIT {

  @TempDir
  static Path dir;

  static HubFixture hub;

  @BeforeAll
  static void start() throws Exception {
    hub = HubFixture.prepare(dir).start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  static Map<String, String> sms(String sid, String from, String body) {
    return TwilioSigner.inboundSms(sid, from, "+15550006000", body);
  }

  static String newSid() {
    return "SM" + UUID.randomUUID().toString().replace("-", "");
  }

  static JsonNode awaitInteraction(String tenantKey, String tenant, String sid) throws Exception {
    return awaitInteractionOn(hub, tenantKey, tenant, sid);
  }

  /** The stored interaction of a provider message id, once the pipeline has stored it. */
  static JsonNode awaitInteractionOn(HubFixture hub, String tenantKey, String tenant, String sid) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = hub.get("/api/v1/tenants/" + tenant + "/interactions?limit=200", tenantKey);
      for (JsonNode item : Json.MAPPER.readTree(r.body()).path("items")) {
        if (sid.equals(item.path("providerMessageId").asText())) {
          return item;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("interaction " + sid + " was not stored within 30 s");
  }

  @Test
  void signedSmsIsAnsweredWithTwimlStoredWithSentimentAndPublished() throws Exception {
    String sid = newSid();
    try (KafkaConsumer<String, String> events = eventsConsumer()) {
      HttpResponse<String> r = hub.postTwilio("/webhooks/demo/twilio/sms",
          sms(sid, "+15551230001", "I love how fast you fixed this, thank you!"), HubFixture.DEMO_TOKEN);

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/xml"));
      assertThat(r.body()).contains("<Response/>");
      // platform-http must not echo the request's headers or form fields back to the provider
      assertThat(r.headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("X-Twilio-Signature")
          || h.equalsIgnoreCase("Body") || h.equalsIgnoreCase("From") || h.equalsIgnoreCase("MessageSid"));

      JsonNode stored = awaitInteraction(HubFixture.DEMO_KEY, "demo", sid);
      assertThat(stored.path("from").asText()).isEqualTo("+15551230001");
      assertThat(stored.path("channel").asText()).isEqualTo("sms");
      assertThat(stored.path("signals").path("sentiment").path("label").asText()).isEqualTo("positive");
      assertThat(stored.path("signals").path("sentiment").path("compound").asDouble()).isGreaterThan(0.5);
      assertThat(hub.count("select count(*) from events where tenant_id = 'demo' and subject_id = ?::uuid",
          stored.path("id").asText())).isEqualTo(1);

      JsonNode event = awaitEvent(events, stored.path("id").asText());
      assertThat(event.path("type").asText()).isEqualTo("interaction.received");
      assertThat(event.path("tenant").asText()).isEqualTo("demo");
      assertThat(event.path("contactId").asText()).isEqualTo(stored.path("contactId").asText());
      assertThat(event.path("conversationId").asText()).isEqualTo(stored.path("conversationId").asText());
      assertThat(event.path("text").asText()).isEqualTo("I love how fast you fixed this, thank you!");
      assertThat(event.path("signals").path("sentiment").path("label").asText()).isEqualTo("positive");
    }
  }

  @Test
  void theSameMessageSidThreeTimesIsStoredOnce() throws Exception {
    String sid = newSid();
    Map<String, String> form = sms(sid, "+15551230002", "Where is my order?");
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = hub.postTwilio("/webhooks/demo/twilio/sms", form, HubFixture.DEMO_TOKEN);
      assertThat(r.statusCode()).as("attempt %d", i + 1).isEqualTo(200);
      assertThat(r.body()).contains("<Response/>");
    }
    awaitInteraction(HubFixture.DEMO_KEY, "demo", sid);
    Thread.sleep(500); // a second copy, if any, would be right behind the first
    assertThat(hub.count("select count(*) from interactions where provider_message_id = ?", sid)).isEqualTo(1);
  }

  @Test
  void aBadSignatureIsRefusedAndStoresNothing() throws Exception {
    String sid = newSid();
    HttpResponse<String> r = hub.postTwilio("/webhooks/demo/twilio/sms", sms(sid, "+15551230003", "hi"), "wrong-token");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    JsonNode err = Json.MAPPER.readTree(r.body());
    assertThat(err.path("code").asText()).isEqualTo("invalid_signature");
    assertThat(err.path("message").asText()).isNotBlank().doesNotContain(HubFixture.DEMO_TOKEN);

    HttpResponse<String> unsigned = hub.postTwilio("/webhooks/demo/twilio/sms", sms(sid, "+15551230003", "hi"), null);
    assertThat(unsigned.statusCode()).isEqualTo(403);
    assertThat(Json.MAPPER.readTree(unsigned.body()).path("code").asText()).isEqualTo("missing_signature");

    // Another tenant's valid signature is no good either.
    HttpResponse<String> foreign = hub.postTwilio("/webhooks/demo/twilio/sms", sms(sid, "+15551230003", "hi"), HubFixture.ACME_TOKEN);
    assertThat(foreign.statusCode()).isEqualTo(403);

    Thread.sleep(500);
    assertThat(hub.count("select count(*) from processed_provider_ids where provider_id = ?", sid)).isZero();
    assertThat(hub.count("select count(*) from interactions where provider_message_id = ?", sid)).isZero();
  }

  @Test
  void unknownTenantIs404() throws Exception {
    HttpResponse<String> r = hub.postTwilio("/webhooks/nobody/twilio/sms", sms(newSid(), "+15551230004", "hi"), HubFixture.DEMO_TOKEN);
    assertThat(r.statusCode()).isEqualTo(404);
    JsonNode err = Json.MAPPER.readTree(r.body());
    assertThat(err.path("code").asText()).isEqualTo("unknown_tenant");
    assertThat(err.path("message").asText()).contains("nobody");
  }

  @Test
  void malformedAndOversizedBodiesAreRefusedAndStoreNothing() throws Exception {
    String sid = newSid();
    Map<String, String> noSid = sms(sid, "+15551230005", "hi");
    noSid.remove("MessageSid");
    noSid.remove("SmsMessageSid");
    noSid.remove("SmsSid");
    HttpResponse<String> missing = hub.postTwilio("/webhooks/demo/twilio/sms", noSid, HubFixture.DEMO_TOKEN);
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(missing.body()).path("message").asText()).contains("MessageSid");

    String big = "x".repeat(70 * 1024);
    HttpResponse<String> tooBig = hub.postTwilio("/webhooks/demo/twilio/sms", sms(sid, "+15551230005", big), HubFixture.DEMO_TOKEN);
    assertThat(tooBig.statusCode()).isEqualTo(413);
    assertThat(Json.MAPPER.readTree(tooBig.body()).path("code").asText()).isEqualTo("payload_too_large");

    HttpResponse<String> garbage = hub.http.send(HttpRequest.newBuilder(URI.create(hub.base() + "/webhooks/demo/twilio/sms"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", TwilioSigner.sign(HubFixture.DEMO_TOKEN, hub.base() + "/webhooks/demo/twilio/sms", Map.of()))
        .POST(HttpRequest.BodyPublishers.ofString("Body=%ZZ&MessageSid=" + sid)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(garbage.statusCode()).isIn(400, 403);

    assertThat(hub.count("select count(*) from processed_provider_ids where provider_id = ?", sid)).isZero();
  }

  @Test
  void readApiNeedsTheTenantsKeyAndHidesOtherTenants() throws Exception {
    String demoSid = newSid();
    String acmeSid = newSid();
    hub.postTwilio("/webhooks/demo/twilio/sms", sms(demoSid, "+15551230006", "demo says hi"), HubFixture.DEMO_TOKEN);
    Map<String, String> acmeForm = sms(acmeSid, "+15551230006", "acme says hi");
    acmeForm.put("To", "+15550007000");
    assertThat(hub.postTwilio("/webhooks/acme/twilio/sms", acmeForm, HubFixture.ACME_TOKEN).statusCode()).isEqualTo(200);
    JsonNode demo = awaitInteraction(HubFixture.DEMO_KEY, "demo", demoSid);
    JsonNode acme = awaitInteraction(HubFixture.ACME_KEY, "acme", acmeSid);

    assertThat(hub.get("/api/v1/tenants/demo/interactions", null).statusCode()).isEqualTo(401);
    assertThat(hub.get("/api/v1/tenants/demo/interactions", "not-a-key").statusCode()).isEqualTo(401);
    // demo's key on acme's data: not found, as if acme did not exist
    assertThat(hub.get("/api/v1/tenants/acme/interactions", HubFixture.DEMO_KEY).statusCode()).isEqualTo(404);
    HttpResponse<String> foreignContact = hub.get("/api/v1/tenants/demo/contacts/" + acme.path("contactId").asText(), HubFixture.DEMO_KEY);
    assertThat(foreignContact.statusCode()).isEqualTo(404);
    assertThat(Json.MAPPER.readTree(foreignContact.body()).path("code").asText()).isEqualTo("contact_not_found");

    // the same phone number is a different contact in each tenant
    assertThat(demo.path("contactId").asText()).isNotEqualTo(acme.path("contactId").asText());

    HttpResponse<String> contact = hub.get("/api/v1/tenants/demo/contacts/" + demo.path("contactId").asText(), HubFixture.DEMO_KEY);
    assertThat(contact.statusCode()).isEqualTo(200);
    JsonNode c = Json.MAPPER.readTree(contact.body());
    assertThat(c.path("phone").asText()).isEqualTo("+15551230006");
    assertThat(c.path("recentInteractions").findValuesAsText("providerMessageId")).contains(demoSid).doesNotContain(acmeSid);

    JsonNode all = Json.MAPPER.readTree(hub.get("/api/v1/tenants/demo/interactions?limit=200", HubFixture.DEMO_KEY).body());
    assertThat(all.path("items").findValuesAsText("providerMessageId")).contains(demoSid).doesNotContain(acmeSid);
  }

  @Test
  void interactionsArePagedNewestFirstWithACursor() throws Exception {
    List<String> sids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String sid = newSid();
      sids.add(sid);
      hub.postTwilio("/webhooks/demo/twilio/sms", sms(sid, "+15551230007", "message " + i), HubFixture.DEMO_TOKEN);
      Thread.sleep(5);
    }
    awaitInteraction(HubFixture.DEMO_KEY, "demo", sids.get(2));
    awaitInteraction(HubFixture.DEMO_KEY, "demo", sids.get(0));

    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      String q = "/api/v1/tenants/demo/interactions?limit=2" + (cursor == null ? "" : "&cursor=" + cursor);
      JsonNode page = Json.MAPPER.readTree(hub.get(q, HubFixture.DEMO_KEY).body());
      assertThat(page.path("items").size()).isLessThanOrEqualTo(2);
      page.path("items").forEach(i -> seen.add(i.path("providerMessageId").asText()));
      cursor = page.path("nextCursor").isNull() ? null : page.path("nextCursor").asText();
    } while (cursor != null);
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(seen).containsSubsequence(sids.get(2), sids.get(1), sids.get(0));

    HttpResponse<String> tooMany = hub.get("/api/v1/tenants/demo/interactions?limit=500", HubFixture.DEMO_KEY);
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(Json.MAPPER.readTree(tooMany.body()).path("code").asText()).isEqualTo("invalid_limit");
    assertThat(hub.get("/api/v1/tenants/demo/interactions?cursor=bogus", HubFixture.DEMO_KEY).statusCode()).isEqualTo(400);
  }

  @Test
  void messagesFromOneSenderThreadIntoOneConversation() throws Exception {
    String first = newSid();
    String second = newSid();
    hub.postTwilio("/webhooks/demo/twilio/sms", sms(first, "(555) 123-0008", "first"), HubFixture.DEMO_TOKEN);
    hub.postTwilio("/webhooks/demo/twilio/sms", sms(second, "+1 555 123 0008", "second"), HubFixture.DEMO_TOKEN);
    JsonNode a = awaitInteraction(HubFixture.DEMO_KEY, "demo", first);
    JsonNode b = awaitInteraction(HubFixture.DEMO_KEY, "demo", second);
    assertThat(b.path("contactId").asText()).isEqualTo(a.path("contactId").asText());
    assertThat(b.path("conversationId").asText()).isEqualTo(a.path("conversationId").asText());
  }

  @Test
  void healthIsUpAndTheYamlRouteIsServed() throws Exception {
    HttpResponse<String> h = hub.get("/health", null);
    assertThat(h.statusCode()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(h.body());
    assertThat(body.path("status").asText()).isEqualTo("UP");
    assertThat(body.path("components").path("postgres").asText()).isEqualTo("UP");
    assertThat(body.path("components").path("kafka").asText()).isEqualTo("UP");
    assertThat(body.path("components").path("plugins").asText()).isEqualTo("UP");

    String sid = newSid();
    hub.postTwilio("/webhooks/demo/twilio/sms", sms(sid, "+15551230009", "count me"), HubFixture.DEMO_TOKEN);
    awaitInteraction(HubFixture.DEMO_KEY, "demo", sid);
    // the pipeline counts a batch after publishing its events and committing offsets, just after the rows appear
    HttpResponse<String> metrics = hub.get("/metrics", null);
    for (int i = 0; i < 100 && !metrics.body().contains("switchboard_pipeline_records_total"); i++) {
      Thread.sleep(100);
      metrics = hub.get("/metrics", null);
    }
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("switchboard_webhook_requests_total{connector=\"twilio\",status=\"200\",tenant=\"demo\"}")
        .contains("switchboard_pipeline_records_total").contains("jvm_memory_used_bytes");

    HttpResponse<String> info = hub.get("/api/v1/info", null);
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(info.body()).path("httpPort").asInt()).isEqualTo(hub.port);
  }

  private KafkaConsumer<String, String> eventsConsumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, hub.hub.kafkaBootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    KafkaConsumer<String, String> c = new KafkaConsumer<>(p);
    c.subscribe(List.of(Spine.EVENTS_TOPIC));
    return c;
  }

  private static JsonNode awaitEvent(KafkaConsumer<String, String> consumer, String interactionId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (var r : consumer.poll(Duration.ofMillis(200))) {
        JsonNode e = Json.MAPPER.readTree(r.value());
        if (interactionId.equals(e.path("interactionId").asText())) {
          assertThat(r.key()).isEqualTo("demo/" + e.path("conversationId").asText());
          return e;
        }
      }
    }
    throw new AssertionError("no event for interaction " + interactionId + " on " + Spine.EVENTS_TOPIC);
  }
}
