package io.switchboard.runtime.spine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starts the real Kafka broker in-process, twice on the same directory. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedKafkaIT {

  private static final String INBOUND = "switchboard.inbound";
  private static final String EVENTS = "switchboard.events";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void topicsAndRecordsSurviveARestartOnTheSameDirectory() throws Exception {
    Path dir = tmp.resolve("kafka");
    String value = "hello-" + UUID.randomUUID();
    RecordMetadata sent;

    try (EmbeddedKafka kafka = new EmbeddedKafka(dir, 0)) {
      assertThat(kafka.isRunning()).isFalse();
      kafka.start();
      assertThat(kafka.isRunning()).isTrue();
      assertThat(Files.exists(dir.resolve("meta.properties"))).isTrue();
      assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+").isEqualTo("127.0.0.1:" + kafka.port());
      assertThat(kafka.port()).isPositive();

      try (Admin admin = admin(kafka)) {
        assertThat(admin.describeCluster().nodes().get()).extracting(n -> n.host() + ":" + n.port())
            .containsExactly(kafka.bootstrapServers());

        KafkaTopics.ensure(admin, Map.of(INBOUND, 3, EVENTS, 3), (short) 1, TIMEOUT);
        assertThat(partitions(admin, INBOUND, EVENTS)).isEqualTo(Map.of(INBOUND, 3, EVENTS, 3));

        // A second call is harmless, and does not touch what exists (even with other counts).
        KafkaTopics.ensure(admin, Map.of(INBOUND, 3, EVENTS, 3), (short) 1, TIMEOUT);
        KafkaTopics.ensure(admin, Map.of(INBOUND, 5, EVENTS, 1), (short) 1, TIMEOUT);
        assertThat(partitions(admin, INBOUND, EVENTS)).isEqualTo(Map.of(INBOUND, 3, EVENTS, 3));
        assertThat(admin.listTopics().names().get()).contains(INBOUND, EVENTS);
      }

      sent = produce(kafka, INBOUND, "key-1", value);
      assertThat(sent.hasOffset()).isTrue();

      // The same record back, from the beginning of its partition, and through a consumer group
      // whose committed offset must survive the restart too.
      assertThat(readFromBeginning(kafka, new TopicPartition(INBOUND, sent.partition())))
          .extracting(ConsumerRecord::value).contains(value);
      assertThat(consumeWithGroup(kafka, "it-group", INBOUND, value)).isEqualTo(value);
    }

    // Stopped by close(); stopping again is harmless.
    EmbeddedKafka again = new EmbeddedKafka(dir, 0);
    try {
      again.start();
      assertThat(again.bootstrapServers()).startsWith("127.0.0.1:");
      try (Admin admin = admin(again)) {
        assertThat(partitions(admin, INBOUND, EVENTS)).isEqualTo(Map.of(INBOUND, 3, EVENTS, 3));
        KafkaTopics.ensure(admin, Map.of(INBOUND, 3, EVENTS, 3), (short) 1, TIMEOUT);
        assertThat(partitions(admin, INBOUND, EVENTS)).isEqualTo(Map.of(INBOUND, 3, EVENTS, 3));

        Map<TopicPartition, OffsetAndMetadata> committed =
            admin.listConsumerGroupOffsets("it-group").partitionsToOffsetAndMetadata().get();
        assertThat(committed.get(new TopicPartition(INBOUND, sent.partition())).offset())
            .isEqualTo(sent.offset() + 1);
      }
      List<ConsumerRecord<String, String>> records =
          readFromBeginning(again, new TopicPartition(INBOUND, sent.partition()));
      assertThat(records).hasSize(1);
      assertThat(records.get(0).key()).isEqualTo("key-1");
      assertThat(records.get(0).value()).isEqualTo(value);
      assertThat(records.get(0).offset()).isEqualTo(sent.offset());

      // And it still takes new records.
      RecordMetadata second = produce(again, EVENTS, "key-2", "after-restart");
      assertThat(readFromBeginning(again, new TopicPartition(EVENTS, second.partition())))
          .extracting(ConsumerRecord::value).containsExactly("after-restart");
    } finally {
      again.stop();
      again.stop();
      again.close();
    }
    assertThat(again.isRunning()).isFalse();
  }

  @Test
  void concurrentEnsureFromTwoInstancesDoesNotFail() throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("race"), 0)) {
      kafka.start();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try (Admin one = admin(kafka); Admin two = admin(kafka)) {
        for (int round = 0; round < 3; round++) {
          Map<String, Integer> topics = Map.of("race.a." + round, 2, "race.b." + round, 2);
          CountDownLatch go = new CountDownLatch(1);
          Callable<Void> byOne = () -> {
            go.await();
            KafkaTopics.ensure(one, topics, (short) 1, TIMEOUT);
            return null;
          };
          Callable<Void> byTwo = () -> {
            go.await();
            KafkaTopics.ensure(two, topics, (short) 1, TIMEOUT);
            return null;
          };
          Future<Void> f1 = pool.submit(byOne);
          Future<Void> f2 = pool.submit(byTwo);
          go.countDown();
          f1.get(60, TimeUnit.SECONDS);
          f2.get(60, TimeUnit.SECONDS);
          assertThat(partitions(one, topics.keySet().toArray(String[]::new))).isEqualTo(topics);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aTakenPortFailsTheStartClearlyAndCloseIsStillSafe() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      EmbeddedKafka kafka = new EmbeddedKafka(tmp.resolve("taken"), taken.getLocalPort());
      assertThatThrownBy(kafka::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Embedded Kafka failed to start on 127.0.0.1:" + taken.getLocalPort())
          .hasMessageContaining("Address already in use")
          .hasRootCauseInstanceOf(BindException.class);
      assertThat(kafka.isRunning()).isFalse();
      kafka.close();
      kafka.close();
    }
  }

  private static Admin admin(EmbeddedKafka kafka) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return Admin.create(p);
  }

  private static Map<String, Integer> partitions(Admin admin, String... topics) throws Exception {
    Map<String, TopicDescription> d = admin.describeTopics(Set.of(topics)).allTopicNames().get();
    return d.entrySet().stream().collect(
        Collectors.toMap(Map.Entry::getKey, e -> e.getValue().partitions().size()));
  }

  private static RecordMetadata produce(EmbeddedKafka kafka, String topic, String key, String value)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  private static Properties consumerProps(EmbeddedKafka kafka) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }

  /** Every record of the partition, read without a consumer group. */
  private static List<ConsumerRecord<String, String>> readFromBeginning(EmbeddedKafka kafka, TopicPartition tp) {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(kafka))) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
      List<ConsumerRecord<String, String>> out = new ArrayList<>();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (consumer.position(tp, Duration.ofSeconds(30)) < end && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).records(tp).forEach(out::add);
      }
      assertThat(consumer.position(tp)).as("read up to the end of %s", tp).isEqualTo(end);
      return out;
    }
  }

  /** Subscribes with a group, waits for the value, commits, returns it. */
  private static String consumeWithGroup(EmbeddedKafka kafka, String group, String topic, String expected) {
    Properties p = consumerProps(kafka);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value().equals(expected)) {
            consumer.commitSync(Duration.ofSeconds(30));
            return r.value();
          }
        }
      }
      return null;
    }
  }
}
