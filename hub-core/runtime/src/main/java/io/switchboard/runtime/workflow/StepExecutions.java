package io.switchboard.runtime.workflow;

import io.switchboard.api.StepExecution;
import java.util.Map;

/** What the hub's own steps may see of an execution beyond the plugin API. */
public final class StepExecutions {

  private StepExecutions() {}

  /** The expression variables for the execution's current signals. */
  public static Map<String, Object> variables(StepExecution execution) {
    StepRunner.Execution e = own(execution);
    Map<String, Object> v = new java.util.LinkedHashMap<>(e.item.variables());
    v.put("signals", Expressions.celValue(e.result));
    if (e.result.get("scores") instanceof Map<?, ?> scores) {
      v.put("scores", Expressions.celValue(scores));
    }
    return v;
  }

  /** The connector the interaction came in through. */
  public static String connector(StepExecution execution) {
    return own(execution).item.connector();
  }

  private static StepRunner.Execution own(StepExecution execution) {
    if (execution instanceof StepRunner.Execution e) {
      return e;
    }
    throw new IllegalStateException("a hub step ran outside the hub's step runner");
  }
}
