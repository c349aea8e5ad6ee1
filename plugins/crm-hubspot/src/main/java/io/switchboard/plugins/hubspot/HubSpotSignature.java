package io.switchboard.plugins.hubspot;

import io.switchboard.api.WebhookException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HubSpot's request signature v3: {@code X-HubSpot-Signature-v3} is the Base64 HMAC-SHA256, keyed
 * with the app's client secret, of {@code method + uri + body + timestamp}, where the timestamp is
 * {@code X-HubSpot-Request-Timestamp} (Unix milliseconds) and the URI is the full URL HubSpot called
 * with these percent-encodings decoded: {@code %3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B}.
 * Requests older than five minutes are refused, so a captured request cannot be replayed later.
 */
final class HubSpotSignature {

  static final String HEADER = "X-HubSpot-Signature-v3";
  static final String TIMESTAMP = "X-HubSpot-Request-Timestamp";
  static final Duration WINDOW = Duration.ofMinutes(5);
  private static final String[][] DECODED = {{"%3A", ":"}, {"%2F", "/"}, {"%3F", "?"}, {"%40", "@"}, {"%21", "!"},
      {"%24", "$"}, {"%27", "'"}, {"%28", "("}, {"%29", ")"}, {"%2A", "*"}, {"%2C", ","}, {"%3B", ";"}};

  private HubSpotSignature() {}

  /** The signature HubSpot sends for this request. */
  static String sign(String clientSecret, String method, String url, byte[] body, String timestamp) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(clientSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((method + uri(url)).getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** The URI as HubSpot signs it: the characters it decodes, decoded (either case of hex digits). */
  static String uri(String url) {
    String out = url;
    for (String[] d : DECODED) {
      out = out.replace(d[0], d[1]).replace(d[0].toLowerCase(java.util.Locale.ROOT), d[1]);
    }
    return out;
  }

  /**
   * @throws WebhookException 401 when a header is missing, the timestamp is outside the window or
   *     the signature does not match; the message never contains the secret
   */
  static void verify(String clientSecret, String method, String url, byte[] body, String signature, String timestamp,
      Instant now) throws WebhookException {
    if (signature == null || signature.isBlank()) {
      throw new WebhookException(401, "missing_signature", "no " + HEADER + " header; HubSpot signs every webhook with v3");
    }
    if (timestamp == null || !timestamp.strip().matches("\\d{1,15}")) {
      throw new WebhookException(401, "missing_timestamp", "no valid " + TIMESTAMP + " header (Unix milliseconds)");
    }
    Instant at = Instant.ofEpochMilli(Long.parseLong(timestamp.strip()));
    if (Duration.between(at, now).abs().compareTo(WINDOW) > 0) {
      throw new WebhookException(401, "expired_signature", "the request was signed at " + at + ", more than "
          + WINDOW.toMinutes() + " minutes from the hub's clock (" + now + "); HubSpot's retries are signed anew");
    }
    byte[] expected = sign(clientSecret, method, url, body, timestamp.strip()).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, signature.strip().getBytes(StandardCharsets.UTF_8))) {
      throw new WebhookException(401, "invalid_signature", "the " + HEADER + " header does not match this tenant's"
          + " channels.hubspot clientSecret and the URL HubSpot called (check switchboard.public-url)");
    }
  }
}
