package io.switchboard.runtime;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Twilio's published request-signing algorithm, written independently of the Twilio SDK so the
 * ITs check the plugin against the specification rather than against itself: HMAC-SHA1 keyed with
 * the auth token over the full URL followed by every POST field name and value, sorted by name,
 * then Base64. Also the form of an inbound SMS, field for field as Twilio posts it. Shared with
 * bench/ through the runtime's test-jar.
 */
public final class TwilioSigner {

  private TwilioSigner() {}

  public static String sign(String authToken, String url, Map<String, String> form) {
    StringBuilder data = new StringBuilder(url);
    new TreeMap<>(form).forEach((k, v) -> data.append(k).append(v));
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String formBody(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  /** An inbound SMS form, the fields in the order Twilio sends them. */
  public static Map<String, String> inboundSms(String sid, String from, String to, String body) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("ToCountry", "US");
    f.put("ToState", "CA");
    f.put("SmsMessageSid", sid);
    f.put("NumMedia", "0");
    f.put("ToCity", "");
    f.put("FromZip", "");
    f.put("SmsSid", sid);
    f.put("FromState", "CA");
    f.put("SmsStatus", "received");
    f.put("FromCity", "");
    f.put("Body", body);
    f.put("FromCountry", "US");
    f.put("To", to);
    f.put("ToZip", "");
    f.put("NumSegments", "1");
    f.put("MessageSid", sid);
    f.put("AccountSid", "AC00000000000000000000000000000001");
    f.put("From", from);
    f.put("ApiVersion", "2010-04-01");
    return f;
  }
}
