package io.switchboard.api;

/**
 * One configured workflow step. Called concurrently; must not keep per-interaction state in fields.
 * A step that throws is retried by the hub and, when it keeps failing, its interaction goes to the
 * dead-letter store; a step that runs past its timeout is interrupted and counted as failed.
 */
@FunctionalInterface
public interface Step {

  /**
   * Runs the step on one interaction, adding what it learns as signals.
   *
   * @throws Exception any failure; the hub retries, then dead-letters
   */
  void run(StepExecution execution) throws Exception;
}
