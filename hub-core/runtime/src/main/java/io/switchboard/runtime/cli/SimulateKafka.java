package io.switchboard.runtime.cli;

import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantFile;
import io.switchboard.runtime.util.Json;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard simulate kafka}: produces one canonical JSON interaction to a tenant's inbound
 * topic (its {@code topic-to-inbound} route), as the tenant's own systems would.
 */
@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = {"Produce one canonical JSON interaction to the tenant's inbound Kafka topic (the topic of its",
        "topic-to-inbound route), as an external system would. Prints the topic, partition and offset."})
final class SimulateKafka extends SimulateCommand.TenantCommand {

  static final String TEMPLATE = "topic-to-inbound";

  @Option(names = "--topic", description = "The inbound topic (default: the tenant's only topic-to-inbound topic).")
  String topic;

  @Option(names = "--channel", defaultValue = "sms", description = "The interaction's channel (default ${DEFAULT-VALUE}).")
  String channel;

  @Option(names = "--from", required = true, description = "The sender's address on the channel, e.g. +15551230001.")
  String from;

  @Option(names = "--to", description = "The tenant's address on the channel.")
  String to;

  @Option(names = "--body", required = true, description = "Message text.")
  String body;

  @Option(names = "--id", description = "The record's id, on which the hub deduplicates (default: a new sim-<uuid>).")
  String id;

  @Option(names = "--bootstrap-servers", description = "Kafka to produce to (default: switchboard.kafka.bootstrap-servers, else the embedded broker).")
  String bootstrap;

  @Override
  public Integer call() throws Exception {
    SwitchboardConfig config = SwitchboardConfig.fromEnvironment();
    Tenant t = SimulateCommand.tenant(config, tenant);
    if (t == null) {
      return 2;
    }
    List<String> topics = t.routes().stream().filter(r -> TEMPLATE.equals(r.template()))
        .map(TenantFile.RouteUse::parameters).filter(p -> p != null && p.get("topic") != null)
        .map(p -> p.get("topic")).toList();
    if (topic == null) {
      if (topics.size() != 1) {
        System.err.println(topics.isEmpty()
            ? "Tenant '" + tenant + "' declares no " + TEMPLATE + " route; add one to its file (routes: [{template: "
                + TEMPLATE + ", parameters: {topic: " + tenant + ".interactions}}]) or give --topic"
            : "Tenant '" + tenant + "' reads several topics " + topics + "; say which with --topic");
        return 2;
      }
      topic = topics.get(0);
    } else if (!topics.contains(topic)) {
      System.err.println("Warning: tenant '" + tenant + "' has no " + TEMPLATE + " route on '" + topic
          + "'; the hub will not read it" + (topics.isEmpty() ? "" : " (it reads " + topics + ")"));
    }
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("id", id != null ? id : "sim-" + UUID.randomUUID());
    record.put("channel", channel);
    record.put("from", from);
    if (to != null) {
      record.put("to", to);
    }
    record.put("text", body);
    record.put("occurredAt", Instant.now().toString());
    String servers = EventsCommand.bootstrapServers(config, bootstrap);
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      RecordMetadata m = producer.send(new ProducerRecord<>(topic, from, Json.write(record))).get(30, TimeUnit.SECONDS);
      System.out.println("Produced " + record.get("id") + " to " + m.topic() + "-" + m.partition() + "@" + m.offset()
          + " on " + servers);
      System.out.println(Json.write(record));
      return 0;
    } catch (ExecutionException | org.apache.kafka.common.KafkaException | java.util.concurrent.TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      System.err.println("Cannot produce to " + topic + " on " + servers + " (is 'switchboard run' running?): "
          + cause.getMessage());
      return 1;
    }
  }
}
