package io.switchboard.api;

import java.nio.charset.StandardCharsets;

/**
 * What the hub answers the provider once its messages are queued.
 *
 * @param status HTTP status, 2xx
 * @param contentType the Content-Type header
 * @param body the body, never null
 */
public record WebhookResponse(int status, String contentType, String body) {

  /** An empty TwiML document, the answer Twilio expects when there is nothing to say back. */
  public static WebhookResponse twiml(String xml) {
    return new WebhookResponse(200, "text/xml", xml);
  }

  /** 200 with no content. */
  public static WebhookResponse ok() {
    return new WebhookResponse(200, "text/plain", "");
  }

  public byte[] bodyBytes() {
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
