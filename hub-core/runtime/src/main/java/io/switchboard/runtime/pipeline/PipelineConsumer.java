package io.switchboard.runtime.pipeline;

import io.switchboard.runtime.metrics.HubMetrics;
import io.switchboard.runtime.spine.Spine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer group {@code pipeline} over {@code switchboard.inbound}: each poll is written in one
 * database transaction, its events are published, and only then are the offsets committed. On any
 * failure the consumer rewinds to the batch's first offsets and retries with backoff, so a record
 * is never skipped; replays are harmless because {@link InteractionWriter} is idempotent.
 *
 * <p>Runs on its own thread; {@link #close()} stops it and waits.
 */
public final class PipelineConsumer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineConsumer.class);
  public static final String GROUP_ID = "pipeline";
  private static final java.util.concurrent.atomic.AtomicInteger SEQUENCE = new java.util.concurrent.atomic.AtomicInteger();

  private final KafkaConsumer<String, String> consumer;
  private final InteractionWriter writer;
  private final Spine spine;
  private final HubMetrics metrics;
  private final Runnable afterCommit;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean healthy = true;

  /** @param afterCommit called after each batch is committed (it may have requested actions) */
  public PipelineConsumer(String bootstrapServers, int maxPollRecords, InteractionWriter writer, Spine spine,
      HubMetrics metrics, Runnable afterCommit) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-pipeline-" + (SEQUENCE.get() + 1));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(p);
    this.writer = writer;
    this.spine = spine;
    this.metrics = metrics;
    this.afterCommit = afterCommit;
    this.thread = new Thread(this::run, "switchboard-pipeline-" + SEQUENCE.incrementAndGet());
  }

  public void start() {
    consumer.subscribe(List.of(Spine.INBOUND_TOPIC));
    thread.start();
  }

  /** False while the consumer is backing off after a failure. */
  public boolean isHealthy() {
    return healthy && thread.isAlive();
  }

  private void run() {
    long backoffMs = 0;
    try {
      while (running) {
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(250));
        if (records.isEmpty()) {
          continue;
        }
        try {
          process(records);
          backoffMs = 0;
          healthy = true;
        } catch (Exception e) {
          healthy = false;
          backoffMs = backoffMs == 0 ? 200 : Math.min(backoffMs * 2, 30_000);
          LOG.warn("Pipeline batch of {} failed, retrying in {} ms: {}", records.count(), backoffMs, e.toString());
          rewind(records);
          Thread.sleep(backoffMs);
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void process(ConsumerRecords<String, String> records) throws Exception {
    List<InteractionWriter.Raw> batch = new ArrayList<>(records.count());
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<String, String> r : records) {
      batch.add(new InteractionWriter.Raw(r.key(), r.value(), r.topic() + "-" + r.partition() + "@" + r.offset()));
      offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
    }
    List<Spine.Message> events = writer.write(batch);
    afterCommit.run();
    spine.sendAll(events);
    consumer.commitSync(offsets);
    metrics.pipelineBatch(batch.size(), events.size());
    LOG.debug("Pipeline stored {} record(s), published {} event(s)", batch.size(), events.size());
  }

  private void rewind(ConsumerRecords<String, String> records) {
    for (TopicPartition tp : records.partitions()) {
      consumer.seek(tp, records.records(tp).get(0).offset());
    }
  }

  @Override
  public void close() {
    running = false;
    if (!thread.isAlive()) {
      // never started (or already ended): the consumer is ours to close here
      if (thread.getState() == Thread.State.NEW) {
        consumer.close(Duration.ofSeconds(5));
      }
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
