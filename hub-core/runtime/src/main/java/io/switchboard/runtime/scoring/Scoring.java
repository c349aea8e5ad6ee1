package io.switchboard.runtime.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.pluginloader.StepConfigBinder;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantFile;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenant's scoring settings as its workflow declares them, for the parts of the hub that score
 * outside a workflow run (the scheduled recalculation, the alerts of a stored score): the first
 * {@code score.health} and {@code score.lead} node of the workflow. Cached per tenant file version.
 */
public final class Scoring {

  /** A tenant's models and the version of its file they were read from. */
  private record Cached(String digest, Models models) {}

  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final ScoreStore store = new ScoreStore();

  /**
   * @param health the health model, or null when the workflow has no score.health step
   * @param lead the lead model, or null
   */
  public record Models(HealthScoring health, LeadScoring lead) {
    /** True when the workflow scores contacts, so that their activity must be loaded. */
    public boolean any() {
      return health != null || lead != null;
    }

    /** The health alerts of a level; none without a health model. */
    public List<HealthScoring.Alert> alertsFor(String level) {
      return health == null ? List.of() : health.alertsFor(level);
    }
  }

  public ScoreStore store() {
    return store;
  }

  public Models models(Tenant tenant) {
    String digest = tenant.source() == null || tenant.source().digest() == null ? "" : tenant.source().digest();
    // one entry a tenant, replaced when its file changes (a map must not be changed from inside its own compute)
    return cache.compute(tenant.id(), (id, c) -> c != null && c.digest().equals(digest) ? c
        : new Cached(digest, new Models(health(tenant.workflow()), lead(tenant.workflow())))).models();
  }

  private static HealthScoring health(TenantFile.Workflow w) {
    List<TenantFile.Node> nodes = w.stepsNamed("score.health");
    if (nodes.isEmpty()) {
      return null;
    }
    return ScoreSteps.Health.model(StepConfigBinder.bind(new ScoreSteps.Health(), config(nodes.get(0))));
  }

  private static LeadScoring lead(TenantFile.Workflow w) {
    List<TenantFile.Node> nodes = w.stepsNamed("score.lead");
    if (nodes.isEmpty()) {
      return null;
    }
    LeadScoring.Config c = StepConfigBinder.bind(new ScoreSteps.Lead(), config(nodes.get(0)));
    return new LeadScoring(c == null ? new LeadScoring.Config(null, null, null, null, null, null, null) : c);
  }

  private static JsonNode config(TenantFile.Node n) {
    return n.config() == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : n.config();
  }
}
