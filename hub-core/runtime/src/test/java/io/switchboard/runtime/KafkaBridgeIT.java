package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.runtime.util.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka bridge, declared in a tenant file with the shipped route templates: canonical JSON
 * interactions produced to the tenant's inbound topic run through its workflow (invalid ones are
 * dead-lettered with the field named, duplicates stored once), and the tenant's events come out on
 * its outbound topic.
 */
class KafkaBridgeIT {

  @TempDir
  static Path dir;
  static HubFixture hub;
  static final String KEY = "sb_bridge_key";

  @BeforeAll
  static void start() throws Exception {
    hub = HubFixture.prepare(dir);
    Files.writeString(hub.home.resolve("config/tenants/bridge.yaml"), """
        id: bridge
        apiKeys: [%s]
        routes:
          - template: topic-to-inbound
            id: interactions-in
            parameters: {topic: bridge.interactions}
          - template: events-to-topic
            id: events-out
            parameters: {topic: bridge.events, offsetReset: earliest}
        workflow:
          steps:
            - step: tag
              config: {tags: [from-kafka]}
        """.formatted(KEY));
    hub.start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  static void produce(String topic, String... values) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, hub.hub.kafkaBootstrapServers());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (String v : values) {
        producer.send(new ProducerRecord<>(topic, "k", v)).get();
      }
    }
  }

  /** The tenant's interactions from the records the first test produces (ids crm-...). */
  static List<JsonNode> interactions() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    Json.MAPPER.readTree(hub.get("/api/v1/tenants/bridge/interactions", KEY).body()).path("items").forEach(i -> {
      if (i.path("providerMessageId").asText().startsWith("crm-")) {
        out.add(i);
      }
    });
    return out;
  }

  @Test
  void canonicalRecordsRunThroughTheWorkflowInvalidOnesAreDeadLetteredAndEventsComeOut() throws Exception {
    String valid = """
        {"id": "crm-1", "channel": "sms", "from": "+1 (555) 123-0101", "to": "+15550006000", "text": "Hello from the CRM",
         "occurredAt": "2026-12-02T10:00:00Z", "attributes": {"source": "crm"}}""";
    produce("bridge.interactions",
        valid,
        valid, // a producer's retry: stored once
        "not json",
        "{\"id\": \"crm-2\", \"channel\": \"sms\", \"text\": \"no sender\"}",
        "{\"id\": \"crm-3\", \"channel\": \"sms\", \"from\": \"+15551230102\", \"text\": \"bad time\", \"occurredAt\": \"yesterday\"}",
        "{\"id\": \"crm-4\", \"channel\": \"web chat\", \"from\": \"+15551230103\", \"text\": \"hi\"}",
        "{\"id\": \"crm-5\", \"channel\": \"email\", \"from\": \"dana@example.com\", \"text\": \"after the bad ones\"}");

    HubFixture.await("the valid records to be stored", () -> {
      try {
        return interactions().size() == 2;
      } catch (Exception e) {
        return false;
      }
    });
    HubFixture.await("the invalid records to be dead-lettered", () -> {
      try {
        return hub.count("select count(*) from dead_letters where tenant_id = 'bridge' and kind = 'invalid_record'") == 4;
      } catch (Exception e) {
        return false;
      }
    });
    List<JsonNode> items = interactions();
    JsonNode sms = items.get(0).path("providerMessageId").asText().equals("crm-1") ? items.get(0) : items.get(1);
    assertThat(sms.path("connector").asText()).isEqualTo("kafka");
    assertThat(sms.path("from").asText()).isEqualTo("+1 (555) 123-0101");
    assertThat(sms.path("text").asText()).isEqualTo("Hello from the CRM");
    assertThat(sms.path("receivedAt").asText()).isEqualTo("2026-12-02T10:00:00Z");
    assertThat(sms.path("attributes").path("source").asText()).isEqualTo("crm");
    assertThat(sms.path("signals").path("tags").toString()).contains("from-kafka");
    List<String> reasons = new ArrayList<>();
    try (var c = hub.hub.dataSource().getConnection(); var rs = c.createStatement().executeQuery(
        "select reason from dead_letters where tenant_id = 'bridge' order by created_at")) {
      while (rs.next()) {
        reasons.add(rs.getString(1));
      }
    }
    assertThat(reasons).anySatisfy(r -> assertThat(r).startsWith("the value is not JSON"))
        .anySatisfy(r -> assertThat(r).isEqualTo("field 'from' is required"))
        .anySatisfy(r -> assertThat(r).contains("field 'occurredAt' must be an ISO-8601 instant"))
        .anySatisfy(r -> assertThat(r).contains("field 'channel' must be a channel name"));

    // the tenant's interaction.received events, on its own topic
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, hub.hub.kafkaBootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bridge-it");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<JsonNode> events = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of("bridge.events"));
      long until = System.currentTimeMillis() + 60_000;
      while (events.size() < 2 && System.currentTimeMillis() < until) {
        for (var r : consumer.poll(Duration.ofMillis(500))) {
          events.add(Json.MAPPER.readTree(r.value()));
        }
      }
    }
    assertThat(events).hasSizeGreaterThanOrEqualTo(2).allSatisfy(ev -> {
      assertThat(ev.path("tenant").asText()).isEqualTo("bridge");
      assertThat(ev.path("type").asText()).isEqualTo("interaction.received");
    });
  }

  @Test
  void simulateKafkaProducesWhatTheBridgeReads() throws Exception {
    String previous = System.getProperty("switchboard.home");
    System.setProperty("switchboard.home", hub.home.toString());
    java.io.PrintStream out = System.out;
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream problems = new java.io.ByteArrayOutputStream();
    int ok;
    int noRoute;
    try {
      System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
      System.setErr(new java.io.PrintStream(problems, true, java.nio.charset.StandardCharsets.UTF_8));
      ok = io.switchboard.runtime.cli.SwitchboardCli.execute("simulate", "kafka", "--tenant", "bridge", "--from",
          "+15551230199", "--body", "simulated from the CLI", "--id", "sim-it-1",
          "--bootstrap-servers", hub.hub.kafkaBootstrapServers());
      noRoute = io.switchboard.runtime.cli.SwitchboardCli.execute("simulate", "kafka", "--tenant", "acme", "--from",
          "+15551230199", "--body", "x", "--bootstrap-servers", hub.hub.kafkaBootstrapServers());
    } finally {
      System.setOut(out);
      System.setErr(err);
      if (previous == null) {
        System.clearProperty("switchboard.home");
      } else {
        System.setProperty("switchboard.home", previous);
      }
    }
    assertThat(ok).as(problems.toString()).isZero();
    assertThat(printed.toString()).contains("Produced sim-it-1 to bridge.interactions-");
    assertThat(noRoute).isEqualTo(2);
    assertThat(problems.toString()).contains("Tenant 'acme' declares no topic-to-inbound route");
    HubFixture.await("the simulated record to be stored", () -> {
      try {
        return hub.count("select count(*) from interactions where tenant_id = 'bridge' and provider_message_id = 'sim-it-1'"
            + " and text = 'simulated from the CLI'") == 1;
      } catch (Exception e) {
        return false;
      }
    });
  }
}
