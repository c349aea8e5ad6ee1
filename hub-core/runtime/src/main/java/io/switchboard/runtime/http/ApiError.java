package io.switchboard.runtime.http;

/**
 * An HTTP error answer in the hub's one format, {@code {"code": ..., "message": ...}}: a stable
 * machine-readable code and a message that says what to fix. Messages never carry secrets.
 */
public class ApiError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final Integer retryAfterSeconds;

  public ApiError(int status, String code, String message) {
    this(status, code, message, null);
  }

  public ApiError(int status, String code, String message, Integer retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Seconds for a Retry-After header, or null. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ApiError notFound(String code, String message) {
    return new ApiError(404, code, message);
  }

  public static ApiError badRequest(String code, String message) {
    return new ApiError(400, code, message);
  }

  public static ApiError unavailable(String code, String message, int retryAfter) {
    return new ApiError(503, code, message, retryAfter);
  }
}
