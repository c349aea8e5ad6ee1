package io.switchboard.runtime.workflow;

import io.switchboard.api.Interaction;
import io.switchboard.api.Step;
import io.switchboard.api.StepExecution;
import io.switchboard.pluginloader.LoaderSwap;
import java.time.Duration;
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
 * Runs a tenant's workflow steps on one interaction, guarding the pipeline against plugin code: a
 * step that throws is retried with backoff, a step that hangs is interrupted at its timeout, and a
 * step that keeps failing ends in a {@link StepFailedException} for the caller to dead-letter. A
 * plugin can never crash the consumer thread or hold it past {@code attempts × timeout}.
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
   * @param attempts how many times a failing step runs before giving up (at least 1)
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
   * Runs the steps in order, each seeing the signals of those before it.
   *
   * @param signals the signals so far; the steps' signals are added to a copy
   * @return all signals after the last step
   * @throws StepFailedException naming the step that failed, after its retries
   */
  public Map<String, Object> run(List<ConfiguredStep> steps, Interaction interaction, Map<String, Object> signals,
      boolean dryRun) throws StepFailedException, InterruptedException {
    Map<String, Object> current = new LinkedHashMap<>(signals);
    for (ConfiguredStep s : steps) {
      current = runWithRetry(s, interaction, current, dryRun);
    }
    return current;
  }

  private Map<String, Object> runWithRetry(ConfiguredStep s, Interaction interaction, Map<String, Object> signals,
      boolean dryRun) throws StepFailedException, InterruptedException {
    long wait = backoff.toMillis();
    Exception last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      // Each attempt starts from the signals before the step, so a half-run attempt leaves nothing.
      Execution execution = new Execution(interaction, signals, dryRun);
      Future<?> f = executor.submit(() -> {
        try (LoaderSwap swap = LoaderSwap.to(s.loader())) {
          s.step().run(execution);
          return null;
        }
      });
      try {
        f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return execution.result;
      } catch (TimeoutException e) {
        f.cancel(true);
        last = new TimeoutException("step '" + s.name() + "' did not finish within " + timeout.toMillis() + " ms");
      } catch (ExecutionException e) {
        last = e.getCause() instanceof Exception ex ? ex : new RuntimeException(e.getCause());
      }
      LOG.warn("Step {} failed on interaction {} of tenant {} (attempt {}/{}): {}", s.name(), interaction.id(),
          interaction.tenantId(), attempt, attempts, last.toString());
      if (attempt < attempts) {
        Thread.sleep(wait);
        wait *= 2;
      }
    }
    throw new StepFailedException(s.name(), "step '" + s.name() + "' failed " + attempts + " time(s): " + last, last);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** The StepExecution one attempt of one step writes to. */
  private static final class Execution implements StepExecution {
    private final Interaction interaction;
    private final Map<String, Object> before;
    private final boolean dryRun;
    final Map<String, Object> result;

    Execution(Interaction interaction, Map<String, Object> before, boolean dryRun) {
      this.interaction = interaction;
      this.before = Collections.unmodifiableMap(before);
      this.dryRun = dryRun;
      this.result = new LinkedHashMap<>(before);
    }

    @Override
    public Interaction interaction() {
      return interaction;
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
    public boolean dryRun() {
      return dryRun;
    }

    @Override
    public String toString() {
      return "StepExecution[" + interaction.id() + ", signals " + before.keySet() + "]";
    }
  }
}
