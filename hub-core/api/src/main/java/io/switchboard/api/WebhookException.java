package io.switchboard.api;

/**
 * A request the hub must refuse, with the HTTP status, a stable machine-readable code and a message
 * that tells the sender what to fix. Messages must never contain secrets.
 */
public class WebhookException extends Exception {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;

  public WebhookException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public static WebhookException badRequest(String code, String message) {
    return new WebhookException(400, code, message);
  }

  public static WebhookException forbidden(String code, String message) {
    return new WebhookException(403, code, message);
  }

  /** HTTP status to answer, 4xx. */
  public int status() {
    return status;
  }

  /** Stable code such as {@code invalid_signature}. */
  public String code() {
    return code;
  }
}
