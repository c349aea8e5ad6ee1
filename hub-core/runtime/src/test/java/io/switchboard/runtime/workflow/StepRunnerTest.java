package io.switchboard.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.api.Contact;
import io.switchboard.api.Interaction;
import io.switchboard.api.Step;
import io.switchboard.api.StepExecution;
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
  private final ClassLoader loader = getClass().getClassLoader();

  @AfterEach
  void close() {
    runner.close();
  }

  static WorkflowItem item(String text) {
    Interaction interaction = new Interaction(UUID.randomUUID(), "acme", "sms", "inbound",
        UUID.randomUUID(), UUID.randomUUID(), "+15551230001", "+15550006000", text, Instant.now(), Map.of());
    return new WorkflowItem(interaction, new Contact(interaction.contactId(), "+15551230001", null, null, Map.of()),
        "twilio", Map.of("id", "acme", "plan", "standard"), Map.of());
  }

  @Test
  void aStepSeesEarlierSignalsAndAddsItsOwn() throws Exception {
    WorkflowItem item = item("hello");
    runner.runBatch("a", new StepRunner.ConfiguredStep("first", e -> e.putSignal("a", 1), loader), List.of(item), false, false);
    runner.runBatch("b", new StepRunner.ConfiguredStep("second", e -> e.putSignal("b", e.signal("a").orElseThrow()), loader),
        List.of(item), false, false);

    assertThat(item.signals()).containsEntry("a", 1).containsEntry("b", 1);
    assertThat(item.trace()).extracting(WorkflowItem.Trace::node).containsExactly("a", "b");
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

    Map<String, Object> signals = runner.run(flaky, item("x"), false);

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

    StepFailedException e = catchThrowableOfType(StepFailedException.class, () -> runner.run(broken, item("x"), false));

    assertThat(calls).hasValue(3);
    assertThat(e.step()).isEqualTo("crm.sync");
    assertThat(e.getMessage()).contains("crm.sync").contains("3 time(s)").contains("boom");
  }

  @Test
  void aHangingStepIsCutByItsTimeout() {
    var hang = new StepRunner.ConfiguredStep("slow", e -> Thread.sleep(60_000), loader);

    StepFailedException e = catchThrowableOfType(StepFailedException.class, () -> runner.run(hang, item("x"), false));

    assertThat(e.getMessage()).contains("did not finish within 300 ms");
  }

  @Test
  void theStepRunsWithItsPluginsContextClassLoaderAndTheCallersIsRestored() throws Exception {
    ClassLoader pluginLoader = new ClassLoader(loader) {};
    ClassLoader[] seen = new ClassLoader[1];
    var step = new StepRunner.ConfiguredStep("tccl", e -> seen[0] = Thread.currentThread().getContextClassLoader(), pluginLoader);
    ClassLoader before = Thread.currentThread().getContextClassLoader();

    runner.run(step, item("x"), false);

    assertThat(seen[0]).isSameAs(pluginLoader);
    assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
  }

  /** A step that counts its batch calls and fails on one poisoned text. */
  static final class Batching implements Step {
    final AtomicInteger batches = new AtomicInteger();
    final AtomicInteger singles = new AtomicInteger();

    @Override
    public void run(StepExecution e) {
      singles.incrementAndGet();
      if (e.interaction().text().equals("poison")) {
        throw new IllegalStateException("cannot read this one");
      }
      e.putSignal("length", e.interaction().text().length());
    }

    @Override
    public void runBatch(List<? extends StepExecution> executions) {
      batches.incrementAndGet();
      for (StepExecution e : executions) {
        if (e.interaction().text().equals("poison")) {
          throw new IllegalStateException("cannot read the batch");
        }
        e.putSignal("length", e.interaction().text().length());
      }
    }
  }

  @Test
  void aBatchRunsInOneCall() throws Exception {
    Batching step = new Batching();
    List<WorkflowItem> items = List.of(item("a"), item("bb"), item("ccc"));

    runner.runBatch("len", new StepRunner.ConfiguredStep("len", step, loader), items, false, false);

    assertThat(step.batches).hasValue(1);
    assertThat(step.singles).hasValue(0);
    assertThat(items).extracting(i -> i.signals().get("length")).containsExactly(1, 2, 3);
  }

  @Test
  void oneBadItemFailsOnlyItselfAndTheOthersKeepOneAttemptsSignals() throws Exception {
    Batching step = new Batching();
    List<WorkflowItem> items = List.of(item("a"), item("poison"), item("ccc"));

    runner.runBatch("len", new StepRunner.ConfiguredStep("len", step, loader), items, false, false);

    assertThat(items.get(0).signals()).containsEntry("length", 1);
    assertThat(items.get(2).signals()).containsEntry("length", 3);
    assertThat(items.get(1).failure()).isNotNull();
    assertThat(items.get(1).failure().getMessage()).contains("cannot read this one");
    assertThat(items.get(1).signals()).doesNotContainKey("length");
  }

  @Test
  void continueOnErrorRecordsTheErrorAndGoesOn() throws Exception {
    WorkflowItem item = item("poison");

    runner.runBatch("len", new StepRunner.ConfiguredStep("len", new Batching(), loader), List.of(item), false, true);

    assertThat(item.active()).isTrue();
    assertThat(item.signals().get("errors")).asString().contains("len").contains("cannot read this one");
  }

  @Test
  void actionsAreRecordedWithTheirNode() throws Exception {
    WorkflowItem item = item("x");
    runner.runBatch("notify", new StepRunner.ConfiguredStep("n", e -> e.requestAction("webhook", Map.of("url", "u")), loader),
        List.of(item), true, false);
    assertThat(item.actions()).singleElement().satisfies(a -> {
      assertThat(a.type()).isEqualTo("webhook");
      assertThat(a.node()).isEqualTo("notify");
    });
  }
}
