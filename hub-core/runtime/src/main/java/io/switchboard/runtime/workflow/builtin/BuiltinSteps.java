package io.switchboard.runtime.workflow.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import io.switchboard.pluginloader.StepConfigBinder;
import io.switchboard.pluginloader.StepConfigException;
import io.switchboard.runtime.tenant.Tenant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The steps the hub itself provides, available to every tenant without a plugin: {@code tag},
 * {@code set}, {@code reply}, {@code notify.webhook}, {@code score.lead}, {@code score.health} and (until the ai-local plugin takes it) {@code ai.sentiment}. They are {@link StepFactory}s like plugin
 * steps (same strict binding, same generated schema), and may also check their configuration
 * against the tenant (a secret it names must exist).
 */
public final class BuiltinSteps {

  /**
   * A hub step: a factory whose steps may depend on the tenant.
   *
   * @param <C> its configuration type
   */
  public interface Builtin<C> extends StepFactory<C> {
    /** Creates the step for a tenant. */
    Step create(C config, Tenant tenant);

    @Override
    default Step create(C config) {
      throw new UnsupportedOperationException("hub steps are created for a tenant");
    }

    /** Binds the configuration and creates the step. */
    default Step create(JsonNode config, Tenant tenant) {
      C bound = StepConfigBinder.bind(this, config);
      try {
        return create(bound, tenant);
      } catch (StepConfigException e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new StepConfigException(name(), null, e.getMessage(), e);
      }
    }
  }

  private final Map<String, Builtin<?>> steps = new LinkedHashMap<>();

  public BuiltinSteps() {
    for (Builtin<?> b : List.of(new SentimentStep(), new TagStep(), new SetStep(), new ReplyStep(), new WebhookStep(), new ChatHandoffStep(),
        new io.switchboard.runtime.scoring.ScoreSteps.Lead(), new io.switchboard.runtime.scoring.ScoreSteps.Health())) {
      steps.put(b.name(), b);
    }
  }

  public Optional<Builtin<?>> find(String name) {
    return Optional.ofNullable(steps.get(name));
  }

  public List<String> names() {
    return List.copyOf(steps.keySet());
  }

  public List<Builtin<?>> all() {
    return List.copyOf(steps.values());
  }
}
