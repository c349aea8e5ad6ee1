package io.switchboard.api;

import java.util.List;

/**
 * One configured workflow step. Called concurrently; must not keep per-interaction state in fields.
 * A step that throws is retried by the hub and, when it keeps failing, its interaction goes to the
 * dead-letter store; a step that runs past its timeout is interrupted and counted as failed.
 *
 * <p>The hub hands a step the interactions of one tenant that arrive together as one batch
 * ({@link #runBatch}); steps whose cost is per call rather than per item (a model inference, a
 * remote API) override it to do the work once for the whole batch.
 */
@FunctionalInterface
public interface Step {

  /**
   * Runs the step on one interaction, adding what it learns as signals.
   *
   * @throws Exception any failure; the hub retries, then dead-letters
   */
  void run(StepExecution execution) throws Exception;

  /**
   * Runs the step on several interactions of the same tenant at once, each with its own execution.
   * The default runs {@link #run} on each in order. An override must give each execution exactly
   * the signals {@link #run} would have given it. If it throws, the hub runs the step again on
   * each interaction by itself, so that one bad interaction does not fail the others.
   *
   * @param executions one per interaction, in the order they arrived; never empty
   * @throws Exception any failure
   */
  default void runBatch(List<? extends StepExecution> executions) throws Exception {
    for (StepExecution e : executions) {
      run(e);
    }
  }
}
