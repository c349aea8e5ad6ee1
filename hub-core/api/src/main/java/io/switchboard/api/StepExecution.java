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

  /** The contact the interaction belongs to. */
  Contact contact();

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

  /**
   * Asks the hub to perform an action once the interaction is stored: a reply, a notification, a
   * CRM update. The hub records it in the same transaction as the interaction and performs it
   * afterwards, at least once, retrying with backoff; a step therefore never causes a side effect
   * for an interaction that is then not stored. In a dry run the action is reported, not performed.
   *
   * @param type the action's type, e.g. {@code reply} or {@code webhook}
   * @param payload what the action needs, JSON-serialisable like signals
   */
  void requestAction(String type, Map<String, Object> payload);

  /** True during a dry run: compute, but cause no side effects outside the hub. */
  boolean dryRun();
}
