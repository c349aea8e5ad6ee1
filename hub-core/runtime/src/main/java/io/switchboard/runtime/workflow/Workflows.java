package io.switchboard.runtime.workflow;

import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every tenant's compiled workflow, swapped as a whole whenever tenants or plugins change, so the
 * pipeline always sees one consistent version per tenant. Thread-safe.
 */
public final class Workflows {

  private static final Logger LOG = LoggerFactory.getLogger(Workflows.class);

  private final WorkflowCompiler compiler;
  private final Supplier<TenantRegistry> tenants;
  private volatile Map<String, CompiledWorkflow> compiled = Map.of();

  public Workflows(WorkflowCompiler compiler, Supplier<TenantRegistry> tenants) {
    this.compiler = compiler;
    this.tenants = tenants;
  }

  /** Compiles every tenant's workflow again (after a tenant or plugin change) and swaps them in. */
  public synchronized void recompile() {
    Map<String, CompiledWorkflow> next = new HashMap<>();
    for (Tenant t : tenants.get().all()) {
      CompiledWorkflow w = compiler.compile(t);
      next.put(t.id(), w);
      if (w.isRunnable()) {
        LOG.info("Tenant {} workflow: {}", t.id(), w.steps().stream().map(StepRunner.ConfiguredStep::name).toList());
      } else {
        LOG.error("Tenant {} cannot run its workflow; its interactions go to the dead-letter store until fixed: {}",
            t.id(), w.errors());
      }
    }
    compiled = Map.copyOf(next);
  }

  /** The tenant's workflow, or null for a tenant the hub does not know (any more). */
  public CompiledWorkflow get(String tenantId) {
    return compiled.get(tenantId);
  }
}
