package io.switchboard.runtime.workflow.builtin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.switchboard.api.Step;
import io.switchboard.pluginloader.StepConfigException;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.workflow.Expressions;
import io.switchboard.runtime.workflow.StepExecutions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code set}: computes signals from CEL expressions over what the workflow knows so far, e.g.
 * {@code priority: "signals.sentiment.label == 'negative' ? 'high' : 'normal'"}. A rule engine in
 * one step: later conditions and actions read the result.
 */
final class SetStep implements BuiltinSteps.Builtin<SetStep.Config> {

  /** @param signals signal name to the CEL expression that computes it */
  record Config(
      @JsonProperty(value = "signals", required = true)
      @JsonPropertyDescription("Signal name to the CEL expression that computes it")
      Map<String, String> signals) {}

  @Override
  public String name() {
    return "set";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Step create(Config config, Tenant tenant) {
    if (config.signals() == null || config.signals().isEmpty()) {
      throw new StepConfigException(name(), "signals", "must name at least one signal and its expression", null);
    }
    Map<String, Expressions.Expression> compiled = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : config.signals().entrySet()) {
      if (!e.getKey().matches("[a-zA-Z][a-zA-Z0-9_]{0,63}")) {
        throw new StepConfigException(name(), "signals." + e.getKey(), "is not a signal name: letters, digits and '_'", null);
      }
      if ("tags".equals(e.getKey()) || "errors".equals(e.getKey())) {
        throw new StepConfigException(name(), "signals." + e.getKey(), "is kept by the hub; use another name", null);
      }
      try {
        compiled.put(e.getKey(), Expressions.value(e.getValue()));
      } catch (Expressions.InvalidExpressionException ex) {
        throw new StepConfigException(name(), "signals." + e.getKey(), ex.getMessage(), ex);
      }
    }
    return execution -> {
      for (Map.Entry<String, Expressions.Expression> e : compiled.entrySet()) {
        // each expression sees the signals set before it in this step too
        Object v = e.getValue().evaluate(StepExecutions.variables(execution));
        execution.putSignal(e.getKey(), v);
      }
    };
  }
}
