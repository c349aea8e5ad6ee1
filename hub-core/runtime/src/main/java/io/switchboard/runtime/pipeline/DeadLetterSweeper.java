package io.switchboard.runtime.pipeline;

import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantRegistry;
import io.switchboard.runtime.workflow.CompiledWorkflow;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings back records dead-lettered because a tenant's workflow could not run (a plugin missing or
 * disabled) or because the tenant's file was removed: right after plugins or tenant files change,
 * and every {@code period} to catch records that were in flight during the change.
 */
public final class DeadLetterSweeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSweeper.class);

  private final DeadLetters deadLetters;
  private final Supplier<TenantRegistry> tenants;
  private final Function<String, CompiledWorkflow> workflows;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "switchboard-dead-letter-sweeper");
    t.setDaemon(true);
    return t;
  });

  public DeadLetterSweeper(DeadLetters deadLetters, Supplier<TenantRegistry> tenants,
      Function<String, CompiledWorkflow> workflows, Duration period) {
    this.deadLetters = deadLetters;
    this.tenants = tenants;
    this.workflows = workflows;
    executor.scheduleWithFixedDelay(this::sweep, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sweeps soon, on the sweeper's thread; for plugin-change listeners, which must not block. */
  public void sweepSoon() {
    executor.schedule(this::sweep, 500, TimeUnit.MILLISECONDS);
  }

  private void sweep() {
    for (Tenant t : tenants.get().all()) {
      CompiledWorkflow w = workflows.apply(t.id());
      if (w == null || !w.isRunnable()) {
        continue;
      }
      try {
        deadLetters.replay(t.id(), DeadLetters.WORKFLOW_UNAVAILABLE);
        // parked while the tenant's file was removed; it is back
        deadLetters.replay(t.id(), DeadLetters.TENANT_DISABLED);
      } catch (Exception e) {
        LOG.warn("Could not replay dead letters of tenant {} yet: {}", t.id(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
