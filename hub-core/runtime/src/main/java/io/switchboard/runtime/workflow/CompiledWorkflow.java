package io.switchboard.runtime.workflow;

import java.util.List;

/**
 * A tenant's workflow ready to run, or the reasons it cannot run. A tenant whose workflow has
 * errors keeps receiving traffic: its interactions are dead-lettered with these reasons (and can
 * be replayed once the plugin is back), and no other tenant is affected.
 *
 * @param tenantId the tenant
 * @param steps the configured steps, in order; empty when there are errors
 * @param errors what is wrong, each naming the tenant, the step or plugin, and what to do
 */
public record CompiledWorkflow(String tenantId, List<StepRunner.ConfiguredStep> steps, List<String> errors) {

  public CompiledWorkflow {
    steps = List.copyOf(steps);
    errors = List.copyOf(errors);
  }

  public boolean isRunnable() {
    return errors.isEmpty();
  }
}
