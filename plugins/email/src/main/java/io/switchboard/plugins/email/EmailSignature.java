package io.switchboard.plugins.email;

import io.switchboard.api.Hmac;
import io.switchboard.api.WebhookException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
    return "t=" + timestamp + ",v1=" + sign(secret, timestamp, body);
  }

  static String sign(String secret, long timestamp, byte[] body) {
    return Hmac.sha256Hex(secret, timestamp, body);
  }

  /** 401 when the header is missing, 403 when it is malformed, expired or does not match. */
  static void verify(String header, String secret, byte[] body, Instant now) throws WebhookException {
    if (header == null || header.isBlank()) {
      throw new WebhookException(401, "missing_signature", "header " + HEADER + " is required");
    }
    Long t = null;
    List<String> signatures = new ArrayList<>();
    for (String part : header.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = part.substring(0, eq).strip();
      String value = part.substring(eq + 1).strip();
      if (key.equals("t")) {
        try {
          t = Long.parseLong(value);
        } catch (NumberFormatException e) {
          t = null;
        }
      } else if (key.equals("v1")) {
        signatures.add(value.toLowerCase(Locale.ROOT));
      }
    }
    if (t == null || signatures.isEmpty()) {
      throw WebhookException.forbidden("invalid_signature",
          HEADER + " must be t=<unix seconds>,v1=<hex HMAC-SHA256 of t + \".\" + body>");
    }
    if (Math.abs(now.getEpochSecond() - t) > TOLERANCE_SECONDS) {
      throw WebhookException.forbidden("expired_signature", HEADER + " timestamp " + t + " is more than "
          + TOLERANCE_SECONDS + " s from the hub's clock (" + now.getEpochSecond() + "); sign each request when sending it");
    }
    byte[] expected = sign(secret, t, body).getBytes(StandardCharsets.US_ASCII);
    boolean ok = false;
    for (String s : signatures) {
      ok |= MessageDigest.isEqual(expected, s.getBytes(StandardCharsets.US_ASCII));
    }
    if (!ok) {
      throw WebhookException.forbidden("invalid_signature", HEADER + " does not match the body; v1 must be the hex"
          + " HMAC-SHA256 of t + \".\" + the raw body, keyed with the tenant's secret webhookSecret");
    }
  }
}
