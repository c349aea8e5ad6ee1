package io.switchboard.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.api.Interaction;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StepRunnerTest {

  private final StepRunner runner = new StepRunner(3, Duration.ofMillis(10), Duration.ofMillis(300));
  private final Interaction interaction = new Interaction(UUID.randomUUID(), "acme", "sms", "inbound",
      UUID.randomUUID(), UUID.randomUUID(), "+15551230001", "+15550006000", "hello", Instant.now(), Map.of());
  private final ClassLoader loader = getClass().getClassLoader();

  @AfterEach
  void close() {
    runner.close();
  }

  @Test
  void stepsRunInOrderAndSeeEarlierSignals() throws Exception {
    var first = new StepRunner.ConfiguredStep("first", e -> e.putSignal("a", 1), loader);
    var second = new StepRunner.ConfiguredStep("second", e -> e.putSignal("b", e.signal("a").orElseThrow()), loader);

    Map<String, Object> signals = runner.run(List.of(first, second), interaction, Map.of("sentiment", "x"), false);

    assertThat(signals).containsEntry("sentiment", "x").containsEntry("a", 1).containsEntry("b", 1);
  }

  @Test
  void aFlakyStepIsRetriedAndItsFailedAttemptsLeaveNoSignals() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    var flaky = new StepRunner.ConfiguredStep("flaky", e -> {
      e.putSignal("attempt-" + calls.incrementAndGet(), true);
      if (calls.get() < 3) {
        throw new IllegalStateException("provider hiccup");
      }
    }, loader);

    Map<String, Object> signals = runner.run(List.of(flaky), interaction, Map.of(), false);

    assertThat(calls).hasValue(3);
    assertThat(signals).containsOnlyKeys("attempt-3");
  }

  @Test
  void aStepThatKeepsFailingNamesItselfAfterItsRetries() {
    AtomicInteger calls = new AtomicInteger();
    var broken = new StepRunner.ConfiguredStep("crm.sync", e -> {
      calls.incrementAndGet();
      throw new IllegalArgumentException("boom");
    }, loader);

    StepFailedException e = catchThrowableOfType(StepFailedException.class,
        () -> runner.run(List.of(broken), interaction, Map.of(), false));

    assertThat(calls).hasValue(3);
    assertThat(e.step()).isEqualTo("crm.sync");
    assertThat(e.getMessage()).contains("crm.sync").contains("3 time(s)").contains("boom");
  }

  @Test
  void aHangingStepIsCutByItsTimeout() {
    var hang = new StepRunner.ConfiguredStep("slow", e -> Thread.sleep(60_000), loader);
    long t0 = System.nanoTime();

    StepFailedException e = catchThrowableOfType(StepFailedException.class,
        () -> runner.run(List.of(hang), interaction, Map.of(), false));

    assertThat(e.getMessage()).contains("did not finish within 300 ms");
    // three attempts of 300 ms plus backoff, far from the step's 60 s
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void theStepRunsWithItsPluginsContextClassLoaderAndTheCallersIsRestored() throws Exception {
    ClassLoader pluginLoader = new ClassLoader(loader) {};
    ClassLoader[] seen = new ClassLoader[1];
    var step = new StepRunner.ConfiguredStep("tccl", e -> seen[0] = Thread.currentThread().getContextClassLoader(), pluginLoader);
    ClassLoader before = Thread.currentThread().getContextClassLoader();

    runner.run(List.of(step), interaction, Map.of(), false);

    assertThat(seen[0]).isSameAs(pluginLoader);
    assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
  }
}
