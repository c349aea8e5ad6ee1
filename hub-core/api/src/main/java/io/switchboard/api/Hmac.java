package io.switchboard.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 as webhook signatures use it (Meta's {@code X-Hub-Signature-256}, the hub's own
 * {@code X-Switchboard-Signature}, ...): lower-case hex, keyed with a UTF-8 secret. One place for
 * connectors and the hub, so that every scheme is computed the same way.
 */
public final class Hmac {

  private Hmac() {}

  /** Hex HMAC-SHA256 of {@code body} keyed with {@code secret}. */
  public static String sha256Hex(String secret, byte[] body) {
    return HexFormat.of().formatHex(mac(secret).doFinal(body));
  }

  /**
   * Hex HMAC-SHA256 of {@code <timestamp>.<body>}: the timestamped scheme of the hub's outgoing
   * webhooks ({@code t=<timestamp>,v1=<this>}), which binds the signature to the time of sending.
   */
  public static String sha256Hex(String secret, long timestamp, byte[] body) {
    Mac mac = mac(secret);
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(mac.doFinal(body));
  }

  /** The header value of the timestamped scheme: {@code t=<timestamp>,v1=<hex HMAC of "<timestamp>.<body>">}. */
  public static String timestampedHeader(String secret, long timestamp, byte[] body) {
    return "t=" + timestamp + ",v1=" + sha256Hex(secret, timestamp, body);
  }

  /**
   * Checks a {@code t=<unix seconds>,v1=<hex>} header (several {@code v1} values may be given, for
   * secret rotation; one must match) whose timestamp is within {@code toleranceSeconds} of now.
   *
   * @param headerName the header's name, for the messages
   * @param secretName the tenant setting that holds the secret, for the messages (never its value)
   * @throws WebhookException 401 {@code missing_signature} without the header; 403
   *     {@code invalid_signature} when malformed or not matching, {@code expired_signature} when out of time
   */
  public static void verifyTimestamped(String headerName, String header, String secret, String secretName, byte[] body,
      java.time.Instant now, long toleranceSeconds) throws WebhookException {
    if (header == null || header.isBlank()) {
      throw new WebhookException(401, "missing_signature", "header " + headerName + " is required");
    }
    Long t = null;
    java.util.List<String> signatures = new java.util.ArrayList<>();
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
        signatures.add(value.toLowerCase(java.util.Locale.ROOT));
      }
    }
    if (t == null || signatures.isEmpty()) {
      throw WebhookException.forbidden("invalid_signature",
          headerName + " must be t=<unix seconds>,v1=<hex HMAC-SHA256 of t + \".\" + body>");
    }
    if (Math.abs(now.getEpochSecond() - t) > toleranceSeconds) {
      throw WebhookException.forbidden("expired_signature", headerName + " timestamp " + t + " is more than "
          + toleranceSeconds + " s from the hub's clock (" + now.getEpochSecond() + "); sign each request when sending it");
    }
    byte[] expected = sha256Hex(secret, t, body).getBytes(StandardCharsets.US_ASCII);
    boolean ok = false;
    for (String s : signatures) {
      ok |= java.security.MessageDigest.isEqual(expected, s.getBytes(StandardCharsets.US_ASCII));
    }
    if (!ok) {
      throw WebhookException.forbidden("invalid_signature", headerName + " does not match the body; v1 must be the hex"
          + " HMAC-SHA256 of t + \".\" + the raw body, keyed with the tenant's secret " + secretName);
    }
  }

  private static Mac mac(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
