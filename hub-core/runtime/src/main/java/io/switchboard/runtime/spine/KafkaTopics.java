package io.switchboard.runtime.spine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the hub's topics when they are missing. */
public final class KafkaTopics {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

  private KafkaTopics() {}

  /**
   * Creates those of the topics that do not exist yet, with the given partition counts and
   * replication factor; topics that exist are left as they are (their partition count is not
   * checked or changed). A topic created meanwhile by someone else (another hub instance) counts as
   * existing, not as an error. Returns once every partition of the topics it created has a leader,
   * so that they can be used at once.
   *
   * @throws IllegalStateException if Kafka cannot list or create the topics within the timeout
   */
  public static void ensure(
      Admin admin, Map<String, Integer> partitionsByTopic, short replicationFactor, Duration timeout) {
    if (partitionsByTopic.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> existing;
    try {
      existing = admin.listTopics(new ListTopicsOptions().listInternal(false).timeoutMs(ms(deadline)))
          .names().get(ms(deadline), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("Cannot list Kafka topics: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not list its topics within " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while listing Kafka topics", e);
    }

    List<NewTopic> missing = new ArrayList<>();
    new TreeMap<>(partitionsByTopic).forEach((topic, partitions) -> {
      if (!existing.contains(topic)) {
        missing.add(new NewTopic(topic, partitions, replicationFactor));
      }
    });
    if (missing.isEmpty()) {
      LOG.debug("Kafka topics {} already exist", partitionsByTopic.keySet());
      return;
    }

    CreateTopicsResult result = admin.createTopics(missing, new CreateTopicsOptions().timeoutMs(ms(deadline)));
    List<String> created = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Throwable firstFailure = null;
    for (Map.Entry<String, KafkaFuture<Void>> e : result.values().entrySet()) {
      String topic = e.getKey();
      try {
        e.getValue().get(ms(deadline), TimeUnit.MILLISECONDS);
        created.add(topic + " (" + partitionsByTopic.get(topic) + " partitions, rf " + replicationFactor + ")");
      } catch (ExecutionException ex) {
        if (ex.getCause() instanceof TopicExistsException) {
          LOG.debug("Kafka topic {} was created meanwhile by someone else", topic);
        } else {
          failures.add(topic + ": " + ex.getCause());
          firstFailure = firstFailure == null ? ex.getCause() : firstFailure;
        }
      } catch (TimeoutException ex) {
        failures.add(topic + ": no answer within " + timeout.toMillis() + " ms");
        firstFailure = firstFailure == null ? ex : firstFailure;
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while creating Kafka topics", ex);
      }
    }
    if (!created.isEmpty()) {
      LOG.info("Created Kafka topics {}", String.join(", ", created));
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("Cannot create Kafka topics: " + String.join("; ", failures), firstFailure);
    }
    awaitLeaders(admin, missing.stream().map(NewTopic::name).toList(), deadline, timeout);
  }

  /**
   * A topic is committed by the controller before the broker's metadata has it; wait until every
   * partition has a leader, so that the caller may use the topics at once.
   */
  private static void awaitLeaders(Admin admin, List<String> topics, long deadline, Duration timeout) {
    Throwable last = null;
    while (true) {
      try {
        Map<String, TopicDescription> d = admin.describeTopics(topics, new DescribeTopicsOptions().timeoutMs(ms(deadline)))
            .allTopicNames().get(ms(deadline), TimeUnit.MILLISECONDS);
        boolean ready = d.values().stream()
            .allMatch(t -> t.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        if (ready) {
          return;
        }
        last = null;
      } catch (ExecutionException e) {
        last = e.getCause();
      } catch (TimeoutException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for Kafka topics " + topics, e);
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new IllegalStateException("Kafka topics " + topics + " were created but have no leader after "
            + timeout.toMillis() + " ms" + (last != null ? ": " + last : ""), last);
      }
      try {
        Thread.sleep(Math.min(100, ms(deadline)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for Kafka topics " + topics, e);
      }
    }
  }

  private static int ms(long deadlineNanos) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left));
  }
}
