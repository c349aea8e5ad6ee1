package io.switchboard.testkit;

/**
 * An extension broke a contract of {@code io.switchboard.api} (a 5xx from a {@code WebhookException},
 * a null where the API promises a value, a secret in an answer, a malformed plugin archive). It is
 * an {@link AssertionError} so that every test framework reports it as a failed test.
 */
public class ContractViolation extends AssertionError {

  private static final long serialVersionUID = 1L;

  public ContractViolation(String message) {
    super(message);
  }

  public ContractViolation(String message, Throwable cause) {
    super(message, cause);
  }
}
