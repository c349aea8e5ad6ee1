package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.InboundMessage;
import io.switchboard.runtime.pipeline.InboundRecord;
import io.switchboard.runtime.spine.Spine;
import io.switchboard.runtime.util.Json;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inbound records that are not messages, through the real hub: a provider's delivery receipts
 * for a reply the workflow sent (shown by the messages API, newest status first, each receipt once),
 * and contact updates from a system of record, by address or by an id an earlier update stored
 * (an unknown id is dead-lettered, not turned into a new contact).
 */
class ChannelUpdatesIT {

  @TempDir
  static Path dir;
  static HubFixture hub;
  static HttpServer twilio;
  static final AtomicInteger sent = new AtomicInteger();
  /** The form bodies of the sends Twilio received. */
  static final java.util.List<String> forms = new java.util.concurrent.CopyOnWriteArrayList<>();

  static final String TOKEN = "upd-token";
  static final String KEY = "sb_upd_key";
  static final String NUMBER = "+15550009000";

  @BeforeAll
  static void start() throws Exception {
    // Twilio's Messages API as it answers a send: 201 with the message's sid and status.
    twilio = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    twilio.createContext("/2010-04-01/Accounts/ACupd/Messages.json", ex -> {
      forms.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      byte[] body = ("{\"sid\": \"SMupd" + sent.incrementAndGet() + "\", \"status\": \"queued\"}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(201, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    twilio.start();
    hub = HubFixture.prepare(dir);
    Files.writeString(hub.home.resolve("config/tenants/upd.yaml"), """
        id: upd
        apiKeys: [%s]
        channels:
          twilio:
            accountSid: ACupd
            phoneNumbers: ["%s"]
            secrets: {authToken: %s}
        workflow:
          steps:
            - step: reply
              config: {text: "Thanks, we got it.", media: ["https://cdn.example.com/receipt-{{interaction.channel}}.png"]}
        """.formatted(KEY, NUMBER, TOKEN));
    hub.overrides.put("switchboard.plugins.twilio.api-base-url", "http://127.0.0.1:" + twilio.getAddress().getPort());
    hub.overrides.put("switchboard.actions.backoff-ms", "100");
    hub.start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
    twilio.stop(0);
  }

  /** Appends a record to switchboard.inbound as a connector's webhook does after verifying it. */
  static void queue(InboundMessage m, String connector) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, hub.hub.kafkaBootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    InboundRecord r = InboundRecord.of("upd", connector, m, "it-" + m.providerMessageId());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      producer.send(new ProducerRecord<>(Spine.INBOUND_TOPIC, r.conversationKey(), Json.write(r))).get();
    }
  }

  static Map<String, String> receipt(String sid, String status) {
    Map<String, String> form = new java.util.LinkedHashMap<>();
    form.put("AccountSid", "ACupd");
    form.put("MessageSid", sid);
    form.put("MessageStatus", status);
    form.put("From", NUMBER);
    form.put("To", "+15551239001");
    form.put("ApiVersion", "2010-04-01");
    return form;
  }

  static JsonNode messages() throws Exception {
    return Json.MAPPER.readTree(hub.get("/api/v1/tenants/upd/messages?limit=10", KEY).body());
  }

  @Test
  void receiptsUpdateTheStatusOfTheReplyTheyAreAbout() throws Exception {
    hub.postTwilio("/webhooks/upd/twilio/sms", TwilioSigner.inboundSms("SMin1", "+15551239001", NUMBER, "hello"), TOKEN);
    HubFixture.await("the reply to be sent", () -> {
      try {
        return "SMupd".regionMatches(0, messages().path("items").path(0).path("providerMessageId").asText(""), 0, 5);
      } catch (Exception e) {
        return false;
      }
    });
    String sid = messages().path("items").path(0).path("providerMessageId").asText();
    // Twilio's status callbacks, as it posts them to the tenant's status endpoint
    assertThat(hub.postTwilio("/webhooks/upd/twilio/status", receipt(sid, "sent"), TOKEN).statusCode()).isEqualTo(200);
    assertThat(hub.postTwilio("/webhooks/upd/twilio/status", receipt(sid, "delivered"), TOKEN).statusCode()).isEqualTo(200);
    // Twilio retries a callback: stored once
    assertThat(hub.postTwilio("/webhooks/upd/twilio/status", receipt(sid, "delivered"), TOKEN).statusCode()).isEqualTo(200);
    // a forged one is refused and stores nothing
    assertThat(hub.postTwilio("/webhooks/upd/twilio/status", receipt(sid, "failed"), "not-the-token").statusCode())
        .isEqualTo(403);
    HubFixture.await("both receipts", () -> {
      try {
        return hub.count("select count(*) from events where tenant_id = 'upd' and type = 'message.status'") == 2;
      } catch (Exception e) {
        return false;
      }
    });

    JsonNode reply = messages().path("items").path(0);
    assertThat(reply.path("sendStatus").asText()).isEqualTo("done");
    assertThat(reply.path("to").asText()).isEqualTo("+15551239001");
    assertThat(reply.path("text").asText()).isEqualTo("Thanks, we got it.");
    // the reply's media went to Twilio as MediaUrl, its template filled in
    assertThat(forms).anySatisfy(f -> assertThat(f).contains("MediaUrl=https%3A%2F%2Fcdn.example.com%2Freceipt-sms.png")
        .contains("Body=Thanks%2C+we+got+it."));
    assertThat(reply.path("deliveryStatus").asText()).isEqualTo("delivered");
    assertThat(reply.path("receipts")).hasSize(2);
    assertThat(reply.path("receipts").path(1).path("status").asText()).isEqualTo("sent");
    assertThat(hub.count("select count(*) from message_statuses where tenant_id = 'upd' and message_id = ?", sid)).isEqualTo(2);
    assertThat(hub.count("select count(*) from message_statuses where tenant_id = 'upd' and status = 'failed'")).isZero();
    assertThat(hub.count("select count(*) from events where tenant_id = 'upd' and type = 'message.status'"
        + " and payload->>'actionId' = ?", reply.path("id").asText())).as("the events name the reply").isEqualTo(2);
    // another tenant's key does not see upd's messages
    assertThat(hub.get("/api/v1/tenants/upd/messages", HubFixture.ACME_KEY).statusCode()).isEqualTo(404);
  }

  @Test
  void contactUpdatesMergeFactsIntoTheContactByAddressOrByAStoredId() throws Exception {
    queue(InboundMessage.contactUpdate("stripe", "evt_1", "Dana@Example.com",
        Map.of("billing.customerId", "cus_upd1", "billing.status", "active", "billing.plan", "pro"), null), "stripe");
    // records of different addresses may take different partitions: the id is stored before it is used
    HubFixture.await("the first update", () -> {
      try {
        return hub.count("select count(*) from events where tenant_id = 'upd' and type = 'contact.updated'") == 1;
      } catch (Exception e) {
        return false;
      }
    });
    queue(InboundMessage.contactUpdate("stripe", "evt_2", "@billing.customerId=cus_upd1",
        Map.of("billing.status", "past_due", "billing.failedPayments", "2", "billing.plan", ""), null), "stripe");
    // an id nobody stored yet: parked for replay, no contact made up for it
    queue(InboundMessage.contactUpdate("stripe", "evt_3", "@billing.customerId=cus_nobody",
        Map.of("billing.status", "canceled"), null), "stripe");
    // a redelivery of evt_2 changes nothing and records no second event
    queue(InboundMessage.contactUpdate("stripe", "evt_2", "@billing.customerId=cus_upd1",
        Map.of("billing.status", "past_due", "billing.failedPayments", "2", "billing.plan", ""), null), "stripe");
    HubFixture.await("the updates to be applied", () -> {
      try {
        return hub.count("select count(*) from events where tenant_id = 'upd' and type = 'contact.updated'") == 2
            && hub.count("select count(*) from dead_letters where tenant_id = 'upd' and kind = 'contact_unknown'") == 1;
      } catch (Exception e) {
        return false;
      }
    });

    assertThat(hub.count("select count(*) from contacts where tenant_id = 'upd' and phone = 'dana@example.com'"))
        .as("one contact, found by its lower-cased address").isEqualTo(1);
    String contactId;
    try (var c = hub.hub.dataSource().getConnection();
        var rs = c.createStatement().executeQuery(
            "select id, attributes::text from contacts where tenant_id = 'upd' and phone = 'dana@example.com'")) {
      rs.next();
      contactId = rs.getString(1);
      JsonNode billing = Json.MAPPER.readTree(rs.getString(2)).path("billing");
      assertThat(billing.path("status").asText()).isEqualTo("past_due");
      assertThat(billing.path("failedPayments").asText()).isEqualTo("2");
      assertThat(billing.path("customerId").asText()).isEqualTo("cus_upd1");
      assertThat(billing.has("plan")).as("an empty value removes the field").isFalse();
    }
    assertThat(hub.count("select count(*) from contacts where tenant_id = 'upd' and attributes #>> '{billing,status}' = 'canceled'"))
        .isZero();
    JsonNode contact = Json.MAPPER.readTree(hub.get("/api/v1/tenants/upd/contacts/" + contactId, KEY).body());
    assertThat(contact.path("attributes").path("billing").path("status").asText()).isEqualTo("past_due");
  }
}
