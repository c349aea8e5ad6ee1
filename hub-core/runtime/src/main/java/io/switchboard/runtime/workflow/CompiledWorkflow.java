package io.switchboard.runtime.workflow;

import io.switchboard.runtime.tenant.ConfigProblem;
import java.util.List;
import java.util.Map;

/**
 * A tenant's workflow ready to run, or the reasons it cannot run. A tenant whose workflow cannot
 * run keeps receiving traffic: its interactions are parked in the dead-letter store with these
 * reasons and replayed once it can, and no other tenant is affected.
 *
 * @param tenantId the tenant
 * @param digest SHA-256 of the tenant file it was compiled from
 * @param variants the nodes to run: key {@link #DEFAULT} for every channel, or a channel's name for
 *     its override; empty when there are problems
 * @param routes the tenant's route templates, checked and ready to add
 * @param problems what is wrong, each with the field's path; empty when runnable
 */
public record CompiledWorkflow(String tenantId, String digest, Map<String, List<WorkflowNode>> variants,
    List<RouteTemplates.Use> routes, List<ConfigProblem> problems) {

  /** The variant every channel without an override runs. */
  public static final String DEFAULT = "default";

  public CompiledWorkflow {
    variants = Map.copyOf(variants);
    routes = List.copyOf(routes);
    problems = List.copyOf(problems);
  }

  public boolean isRunnable() {
    return problems.isEmpty();
  }

  /** The problems as one line each. */
  public List<String> errors() {
    return problems.stream().map(ConfigProblem::toString).toList();
  }

  /** The nodes an interaction on this channel runs. */
  public List<WorkflowNode> nodesFor(String channel) {
    List<WorkflowNode> own = variants.get(channel);
    return own != null ? own : variants.getOrDefault(DEFAULT, List.of());
  }

  /** The variant an interaction on this channel runs. */
  public String variantFor(String channel) {
    return variants.containsKey(channel) && !DEFAULT.equals(channel) ? channel : DEFAULT;
  }
}
