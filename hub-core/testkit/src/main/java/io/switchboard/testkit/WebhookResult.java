package io.switchboard.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the hub would answer one webhook call, and what it would have queued.
 *
 * @param status the HTTP status: the {@link WebhookResponse}'s on success, the refusal's otherwise
 * @param code the error code ({@code invalid_signature}, ...), null on success
 * @param message the error message, null on success
 * @param messages the messages the connector parsed, in order; empty when the request was refused
 * @param queued the parsed messages the hub would append to its inbound log: those whose provider
 *     message id this tester has not accepted before (the hub deduplicates on it)
 * @param response the connector's answer, null when the request was refused
 */
public record WebhookResult(
    int status,
    String code,
    String message,
    List<InboundMessage> messages,
    List<InboundMessage> queued,
    WebhookResponse response) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public WebhookResult {
    messages = List.copyOf(messages);
    queued = List.copyOf(queued);
  }

  static WebhookResult refused(int status, String code, String message) {
    return new WebhookResult(status, code, message, List.of(), List.of(), null);
  }

  static WebhookResult accepted(WebhookResponse response, List<InboundMessage> messages, List<InboundMessage> queued) {
    return new WebhookResult(response.status(), null, null, messages, queued, response);
  }

  /** True when the hub would have accepted the request (a 2xx answer). */
  public boolean isAccepted() {
    return response != null;
  }

  /** The Content-Type the hub would answer with: the connector's, or JSON for a refusal. */
  public String contentType() {
    return response != null ? response.contentType() : "application/json";
  }

  /**
   * The body the hub would answer with: the connector's on success, otherwise the hub's error
   * document {@code {"code": ..., "message": ...}}.
   */
  public String body() {
    if (response != null) {
      return response.body();
    }
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", code);
    error.put("message", message);
    try {
      return JSON.writeValueAsString(error);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the error document", e);
    }
  }

  /** The only parsed message; fails when there is not exactly one. */
  public InboundMessage single() {
    if (messages.size() != 1) {
      throw new ContractViolation("expected exactly one parsed message, got " + messages.size()
          + (isAccepted() ? "" : " (the request was refused: " + status + " " + code + ": " + message + ")"));
    }
    return messages.get(0);
  }

  @Override
  public String toString() {
    return isAccepted()
        ? "WebhookResult[" + status + ", " + messages.size() + " message(s), " + queued.size() + " queued]"
        : "WebhookResult[" + status + " " + code + ": " + message + "]";
  }
}
