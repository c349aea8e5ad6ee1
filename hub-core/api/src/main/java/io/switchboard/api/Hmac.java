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
