package io.switchboard.plugins.twilio;

import io.switchboard.api.ChannelSettings;
import io.switchboard.api.WebhookRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Builders for the requests and settings the tests feed the connector. */
final class Requests {

  static final String FORM = "application/x-www-form-urlencoded";

  private Requests() {}

  static ChannelSettings settings(String authToken) {
    return new ChannelSettings("acme",
        Map.of("accountSid", "AC0123456789abcdef0123456789abcdef", "phoneNumbers", List.of("+15550006000")),
        Map.of("authToken", authToken));
  }

  static String encode(Map<String, String> fields) {
    return fields.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
            + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }

  static WebhookRequest post(String url, String contentType, String body, String signature) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (contentType != null) {
      headers.put("Content-Type", contentType);
    }
    if (signature != null) {
      headers.put("X-Twilio-Signature", signature);
    }
    return new WebhookRequest("POST", url, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  static WebhookRequest form(String url, String body, String signature) {
    return post(url, FORM, body, signature);
  }
}
