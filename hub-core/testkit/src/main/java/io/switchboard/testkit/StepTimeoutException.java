package io.switchboard.testkit;

import java.time.Duration;

/** A step ran past its timeout; like the hub, the tester interrupted it and counts it as failed. */
public class StepTimeoutException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Duration timeout;

  public StepTimeoutException(String step, Duration timeout) {
    super("step '" + step + "' did not finish within " + timeout.toMillis() + " ms; it was interrupted"
        + " (the hub counts a step past its timeout as failed, then retries and dead-letters)");
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }
}
