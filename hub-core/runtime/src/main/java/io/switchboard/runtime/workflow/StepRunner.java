package io.switchboard.runtime.workflow;

import io.switchboard.api.Contact;
import io.switchboard.api.Interaction;
import io.switchboard.api.Step;
import io.switchboard.api.StepExecution;
import io.switchboard.pluginloader.LoaderSwap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs workflow steps, guarding the pipeline against plugin code: a step that throws is retried with
 * backoff, a step that hangs is interrupted at its timeout, and a step that keeps failing fails only
 * the interaction it failed on. A plugin can never crash the consumer thread or hold it past
 * {@code attempts × timeout} per interaction.
 *
 * <p>A step runs once over all the items of a batch ({@link Step#runBatch}); if that throws, it runs
 * again on each item by itself with the full retry policy, so one bad interaction does not fail the
 * others and a batch's results are never half-applied: each item takes the signals of exactly one
 * successful attempt.
 */
public final class StepRunner implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);

  /** A step ready to run: its workflow name, the step, and the class loader of its plugin. */
  public record ConfiguredStep(String name, Step step, ClassLoader loader) {}

  private final int attempts;
  private final Duration backoff;
  private final Duration timeout;
  private final ExecutorService executor;

  /**
   * @param attempts how many times a failing step runs on one interaction before giving up (at least 1)
   * @param backoff wait before the second attempt; doubled for each further one
   * @param timeout longest one attempt may run
   */
  public StepRunner(int attempts, Duration backoff, Duration timeout) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1");
    }
    this.attempts = attempts;
    this.backoff = backoff;
    this.timeout = timeout;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, "switchboard-step-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    // Cached: a hung step that ignores interruption costs one thread, never the pipeline.
    this.executor = Executors.newCachedThreadPool(threads);
  }

  /**
   * Runs one step over items and records each item's outcome on it: its new signals and actions,
   * or its failure (or, with {@code continueOnError}, the error under {@code signals.errors}).
   *
   * @param node the node's id, for traces
   */
  void runBatch(String node, ConfiguredStep s, List<WorkflowItem> items, boolean dryRun, boolean continueOnError)
      throws InterruptedException {
    List<Execution> executions = new ArrayList<>(items.size());
    for (WorkflowItem item : items) {
      executions.add(new Execution(item, dryRun));
    }
    Exception batchFailure = null;
    if (items.size() > 1) {
      try {
        attempt(s, () -> s.step().runBatch(executions));
        for (int i = 0; i < items.size(); i++) {
          executions.get(i).validate();
          items.get(i).completed(node, executions.get(i).result, executions.get(i).actions);
        }
        return;
      } catch (Exception e) {
        batchFailure = e;
        LOG.warn("Step {} failed on a batch of {} interactions of tenant {}; running it on each by itself: {}", s.name(),
            items.size(), items.get(0).interaction().tenantId(), e.toString());
      }
    }
    for (WorkflowItem item : items) {
      try {
        Execution done = runWithRetry(s, item, dryRun);
        item.completed(node, done.result, done.actions);
      } catch (StepFailedException e) {
        if (continueOnError) {
          item.errorContinued(node, e.getMessage());
        } else {
          item.failed(e);
        }
      }
    }
    if (batchFailure != null) {
      LOG.debug("Batch failure of step {} was: {}", s.name(), batchFailure.toString());
    }
  }

  /** Runs one step on one interaction outside a workflow (tests, tools). */
  public Map<String, Object> run(ConfiguredStep s, WorkflowItem item, boolean dryRun)
      throws StepFailedException, InterruptedException {
    return runWithRetry(s, item, dryRun).result;
  }

  private Execution runWithRetry(ConfiguredStep s, WorkflowItem item, boolean dryRun)
      throws StepFailedException, InterruptedException {
    long wait = backoff.toMillis();
    Exception last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      // Each attempt starts from the signals before the step, so a half-run attempt leaves nothing.
      Execution execution = new Execution(item, dryRun);
      try {
        attempt(s, () -> s.step().run(execution));
        execution.validate();
        return execution;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        last = e;
      }
      LOG.warn("Step {} failed on interaction {} of tenant {} (attempt {}/{}): {}", s.name(), item.interaction().id(),
          item.interaction().tenantId(), attempt, attempts, last.toString());
      if (attempt < attempts) {
        Thread.sleep(wait);
        wait *= 2;
      }
    }
    throw new StepFailedException(s.name(), "step '" + s.name() + "' failed " + attempts + " time(s): " + last, last);
  }

  @FunctionalInterface
  private interface Call {
    void run() throws Exception;
  }

  /** One attempt on a step thread, with the plugin's class loader, cut at the timeout. */
  private void attempt(ConfiguredStep s, Call call) throws Exception {
    Future<?> f = executor.submit(() -> {
      try (LoaderSwap swap = LoaderSwap.to(s.loader())) {
        call.run();
        return null;
      }
    });
    try {
      f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new TimeoutException("step '" + s.name() + "' did not finish within " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** The StepExecution one attempt of one step on one item writes to. */
  static final class Execution implements StepExecution {
    final WorkflowItem item;
    private final boolean dryRun;
    final Map<String, Object> result;
    final List<WorkflowItem.Action> actions = new ArrayList<>();

    Execution(WorkflowItem item, boolean dryRun) {
      this.item = item;
      this.dryRun = dryRun;
      this.result = new LinkedHashMap<>(item.signals());
    }

    @Override
    public Interaction interaction() {
      return item.interaction();
    }

    @Override
    public Contact contact() {
      return item.contact();
    }

    @Override
    public Map<String, Object> signals() {
      return Collections.unmodifiableMap(result);
    }

    @Override
    public void putSignal(String name, Object value) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a signal needs a name");
      }
      result.put(name, value);
    }

    @Override
    public void requestAction(String type, Map<String, Object> payload) {
      if (type == null || type.isBlank()) {
        throw new IllegalArgumentException("an action needs a type");
      }
      actions.add(new WorkflowItem.Action(type, payload == null ? Map.of() : Map.copyOf(payload), null));
    }

    @Override
    public boolean dryRun() {
      return dryRun;
    }

    /** Signals must be JSON: the interaction is stored with them. */
    void validate() {
      try {
        io.switchboard.runtime.util.Json.write(result);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the step produced signals that are not JSON: " + e.getMessage(), e);
      }
    }

    @Override
    public String toString() {
      return "StepExecution[" + item.interaction().id() + "]";
    }
  }
}
