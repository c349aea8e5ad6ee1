package io.switchboard.plugins.twilio;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes the X-Twilio-Signature Twilio sends, for the simulator; verification itself goes
 * through the SDK's {@code RequestValidator}, which keeps its signing method private.
 */
final class TwilioSignature {

  private TwilioSignature() {}

  /**
   * Twilio's documented algorithm: the URL exactly as configured, then each POST field's name and
   * value with no separators, fields sorted by name (case-sensitive), HMAC-SHA1 keyed with the
   * auth token, Base64.
   */
  static String sign(String authToken, String url, Map<String, String> params) {
    StringBuilder data = new StringBuilder(url);
    List<String> names = new ArrayList<>(params.keySet());
    Collections.sort(names);
    for (String name : names) {
      String value = params.get(name);
      data.append(name).append(value == null ? "" : value);
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      // Twilio auth tokens are ASCII, so this matches the SDK, which uses the platform charset.
      mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is not available in this JVM", e);
    }
  }
}
