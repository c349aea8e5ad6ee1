package io.switchboard.runtime.workflow;

/** A workflow step that kept failing (or timing out) after its retries; the interaction is dead-lettered. */
public class StepFailedException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String step;

  public StepFailedException(String step, String message, Throwable cause) {
    super(message, cause);
    this.step = step;
  }

  /** The step's name in the workflow. */
  public String step() {
    return step;
  }
}
