package io.switchboard.runtime.scoring;

import io.switchboard.api.Step;
import io.switchboard.api.StepExecution;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.workflow.builtin.BuiltinSteps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The hub's scoring steps, {@code score.lead} and {@code score.health}. They are hub steps, not a
 * plugin's (ADR 0009): they read the hub's own history of the contact and the scheduled
 * recalculation must compute exactly the same score without an interaction.
 *
 * <p>Each writes {@code signals.scores.<kind>} = {score, level, factors}; the hub stores it in the
 * contact's score history once the interaction is stored, and raises {@code health.changed} when
 * the health level moves.
 */
public final class ScoreSteps {

  private ScoreSteps() {}

  /** {@code score.lead}: 0-100 from the tenant's weighted factors. */
  public static final class Lead implements BuiltinSteps.Builtin<LeadScoring.Config> {
    @Override
    public String name() {
      return "score.lead";
    }

    @Override
    public Class<LeadScoring.Config> configType() {
      return LeadScoring.Config.class;
    }

    @Override
    public Step create(LeadScoring.Config config, Tenant tenant) {
      LeadScoring model = new LeadScoring(config == null ? new LeadScoring.Config(null, null, null, null, null, null, null) : config);
      return execution -> put(execution, model.compute(inputs(execution)));
    }
  }

  /** {@code score.health}: customer health 0-100 and its risk level. */
  public static final class Health implements BuiltinSteps.Builtin<HealthScoring.Config> {
    @Override
    public String name() {
      return "score.health";
    }

    @Override
    public Class<HealthScoring.Config> configType() {
      return HealthScoring.Config.class;
    }

    @Override
    public Step create(HealthScoring.Config config, Tenant tenant) {
      HealthScoring model = model(config);
      List<HealthScoring.Alert> alerts = model.config().alerts();
      for (int i = 0; i < alerts.size(); i++) {
        io.switchboard.runtime.workflow.builtin.WebhookStep.signedWebhook(name(), "alerts[" + i + "].", alerts.get(i).url(),
            alerts.get(i).secret(), tenant);
      }
      return execution -> {
        Activity before = Activity.fromAttributes(execution.contact().attributes());
        Score s = model.compute(inputs(execution));
        Map<String, Object> signal = new LinkedHashMap<>(s.asSignal());
        signal.put("previousLevel", before.healthLevel());
        put(execution, signal, Score.HEALTH);
      };
    }

    /** The model for a configuration (null: the defaults). */
    public static HealthScoring model(HealthScoring.Config config) {
      return new HealthScoring(config == null ? new HealthScoring.Config(null, null, null, null, null) : config);
    }
  }

  static Inputs inputs(StepExecution execution) {
    var i = execution.interaction();
    Map<String, Object> attrs = execution.contact().attributes();
    return new Inputs(i.channel(), execution.signals(), attrs, Activity.fromAttributes(attrs), i.receivedAt());
  }

  private static void put(StepExecution execution, Score score) {
    put(execution, score.asSignal(), score.kind());
  }

  private static void put(StepExecution execution, Map<String, Object> signal, String kind) {
    Map<String, Object> scores = new LinkedHashMap<>();
    if (execution.signals().get("scores") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> scores.put(String.valueOf(k), v));
    }
    scores.put(kind, signal);
    execution.putSignal("scores", scores);
  }
}
