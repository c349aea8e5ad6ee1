package io.switchboard.runtime.spine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The hub's Kafka producer side: appends to {@code switchboard.inbound} and publishes to
 * {@code switchboard.events}, waiting for the broker's acknowledgement (acks=all, idempotent) so
 * that nothing is answered as accepted before it is durable. Thread-safe.
 */
public final class Spine implements AutoCloseable {

  public static final String INBOUND_TOPIC = "switchboard.inbound";
  public static final String EVENTS_TOPIC = "switchboard.events";

  private final KafkaProducer<String, String> producer;
  private final Duration timeout;

  public Spine(String bootstrapServers, Duration timeout) {
    this.timeout = timeout;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "switchboard-spine");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // Concurrent webhook requests share batches; 2 ms buys batching without a visible delay.
    p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // A dead broker must turn into a 503 quickly, not a webhook that hangs until the provider gives up.
    int ms = (int) timeout.toMillis();
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(ms));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(1000, ms / 2)));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(ms + 2 * Math.max(1000, ms / 2)));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
  }

  /** A record to send: topic, key, JSON value. */
  public record Message(String topic, String key, String value) {}

  /**
   * Sends the messages and waits until the broker has them all.
   *
   * @throws SpineUnavailableException when Kafka does not acknowledge them in time
   */
  public void sendAll(List<Message> messages) throws SpineUnavailableException {
    List<Future<RecordMetadata>> futures = new ArrayList<>(messages.size());
    try {
      for (Message m : messages) {
        futures.add(producer.send(new ProducerRecord<>(m.topic(), m.key(), m.value())));
      }
      long deadline = System.nanoTime() + timeout.toNanos() * 2;
      for (Future<RecordMetadata> f : futures) {
        f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpineUnavailableException("interrupted while waiting for Kafka", e);
    } catch (ExecutionException e) {
      throw new SpineUnavailableException("Kafka did not accept the record: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new SpineUnavailableException("Kafka did not acknowledge within " + timeout.toMillis() * 2 + " ms", e);
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new SpineUnavailableException("Kafka is unavailable: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  /** Kafka could not take a record in time; the caller should answer 503 and let the sender retry. */
  public static class SpineUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public SpineUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
