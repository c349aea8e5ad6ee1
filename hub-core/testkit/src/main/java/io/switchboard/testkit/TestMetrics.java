package io.switchboard.testkit;

import io.switchboard.api.PluginContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.DoubleAdder;

/** In-memory {@link PluginContext.Metrics} that a test reads back. Thread-safe. */
public final class TestMetrics implements PluginContext.Metrics {

  private record Key(String name, Map<String, String> tags) {}

  private final Map<Key, DoubleAdder> counters = new ConcurrentHashMap<>();
  private final Map<Key, ConcurrentLinkedQueue<Duration>> timers = new ConcurrentHashMap<>();

  @Override
  public void count(String name, double amount, Map<String, String> tags) {
    counters.computeIfAbsent(key(name, tags), k -> new DoubleAdder()).add(amount);
  }

  @Override
  public void time(String name, Duration duration, Map<String, String> tags) {
    Objects.requireNonNull(duration, "duration");
    timers.computeIfAbsent(key(name, tags), k -> new ConcurrentLinkedQueue<>()).add(duration);
  }

  /** The counter's total over every tag combination; 0 when never counted. */
  public double counter(String name) {
    return counters.entrySet().stream().filter(e -> e.getKey().name().equals(name))
        .mapToDouble(e -> e.getValue().sum()).sum();
  }

  /** The counter's total for exactly these tags; 0 when never counted. */
  public double counter(String name, Map<String, String> tags) {
    DoubleAdder a = counters.get(key(name, tags));
    return a == null ? 0 : a.sum();
  }

  /** Every duration recorded for the timer, over every tag combination. */
  public List<Duration> timings(String name) {
    return timers.entrySet().stream().filter(e -> e.getKey().name().equals(name))
        .flatMap(e -> e.getValue().stream()).toList();
  }

  /** The durations recorded for the timer with exactly these tags. */
  public List<Duration> timings(String name, Map<String, String> tags) {
    ConcurrentLinkedQueue<Duration> q = timers.get(key(name, tags));
    return q == null ? List.of() : List.copyOf(q);
  }

  /** Forgets everything recorded. */
  public void reset() {
    counters.clear();
    timers.clear();
  }

  private static Key key(String name, Map<String, String> tags) {
    return new Key(Objects.requireNonNull(name, "name"), tags == null ? Map.of() : Map.copyOf(tags));
  }
}
