package io.switchboard.api;

import java.util.Map;
import java.util.Optional;

/**
 * What a step sees and may change while it runs on one interaction. Not thread-safe: one
 * execution belongs to one interaction on one thread.
 */
public interface StepExecution {

  /** The interaction the workflow runs over. */
  Interaction interaction();

  /** Signals so far (from earlier steps), by name; read-only. */
  Map<String, Object> signals();

  /** A signal by name, if an earlier step set it. */
  default Optional<Object> signal(String name) {
    return Optional.ofNullable(signals().get(name));
  }

  /**
   * Records a signal (stored with the interaction under {@code signals.<name>}). The value must be
   * JSON-serialisable: a number, string, boolean, list or map of those.
   */
  void putSignal(String name, Object value);

  /** True during a dry run: compute, but cause no side effects outside the hub. */
  boolean dryRun();
}
