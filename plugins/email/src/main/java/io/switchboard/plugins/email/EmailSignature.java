package io.switchboard.plugins.email;

import io.switchboard.api.Hmac;
import io.switchboard.api.WebhookException;
import java.time.Instant;

/**
 * {@code X-Switchboard-Email-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>},
 * the scheme the hub's own outbound webhooks use. Several {@code v1} values may be given (secret
 * rotation); one must match. The timestamp must be within {@link #TOLERANCE_SECONDS} of now.
 */
final class EmailSignature {

  static final String HEADER = "X-Switchboard-Email-Signature";
  static final long TOLERANCE_SECONDS = 300;

  private EmailSignature() {}

  static String header(String secret, long timestamp, byte[] body) {
    return Hmac.timestampedHeader(secret, timestamp, body);
  }

  /** 401 when the header is missing, 403 when it is malformed, expired or does not match. */
  static void verify(String header, String secret, byte[] body, Instant now) throws WebhookException {
    Hmac.verifyTimestamped(HEADER, header, secret, EmailConnector.WEBHOOK_SECRET, body, now, TOLERANCE_SECONDS);
  }
}
