package io.switchboard.runtime.cli;

import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.spine.Spine;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard events}: prints the domain events on {@code switchboard.events}, one JSON per line. */
@Command(name = "events", mixinStandardHelpOptions = true,
    description = {"Print the events the hub publishes on Kafka (topic switchboard.events), one JSON document",
        "per line. Reads without joining the hub's consumer groups and commits nothing."})
final class EventsCommand implements Callable<Integer> {

  @Option(names = "--from-beginning", description = "Start at the oldest retained event instead of new ones.")
  boolean fromBeginning;

  @Option(names = {"-f", "--follow"}, description = "Keep waiting for new events until interrupted.")
  boolean follow;

  @Option(names = "--max", defaultValue = "0", description = "Stop after this many events (0: no limit).")
  int max;

  @Option(names = "--timeout", defaultValue = "10", description = "Without --follow, stop after this many idle seconds (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--bootstrap-servers", description = "Kafka to read from (default: switchboard.kafka.bootstrap-servers, else the embedded broker).")
  String bootstrap;

  @Override
  public Integer call() {
    SwitchboardConfig config = SwitchboardConfig.fromEnvironment();
    String servers = bootstrapServers(config, bootstrap);
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "switchboard-cli-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    int seen = 0;
    long idleSince = System.nanoTime();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(Spine.EVENTS_TOPIC));
      System.err.println("Reading " + Spine.EVENTS_TOPIC + " from " + servers + (follow ? " (Ctrl-C to stop)" : ""));
      while (true) {
        var records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, String> r : records) {
          System.out.println(r.value());
          seen++;
          if (max > 0 && seen >= max) {
            return 0;
          }
        }
        if (!records.isEmpty()) {
          idleSince = System.nanoTime();
        } else if (!follow && System.nanoTime() - idleSince > timeoutSeconds * 1_000_000_000L) {
          System.err.println(seen + " event(s)");
          return 0;
        }
      }
    }
  }

  /** The Kafka a CLI command talks to: the option, else switchboard.kafka.bootstrap-servers, else the embedded broker. */
  static String bootstrapServers(SwitchboardConfig config, String option) {
    return option != null ? option : config.get(SwitchboardConfig.KAFKA_BOOTSTRAP)
        .orElse("127.0.0.1:" + config.require(SwitchboardConfig.KAFKA_EMBEDDED_PORT));
  }
}
