package io.switchboard.runtime.http;

import io.switchboard.runtime.util.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Writing HTTP answers from Camel routes. Every answer goes through {@link #reply}, which first
 * drops every header of the request: platform-http would otherwise copy the request's headers and
 * form fields (a provider's signature among them) into the response.
 */
public final class HttpSupport {

  private HttpSupport() {}

  public static void reply(Exchange exchange, int status, String contentType, Object body) {
    Message m = exchange.getMessage();
    m.removeHeaders("*");
    m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    m.setHeader(Exchange.CONTENT_TYPE, contentType);
    m.setBody(body);
  }

  public static void json(Exchange exchange, int status, Object body) {
    reply(exchange, status, "application/json", Json.write(body));
  }

  public static void error(Exchange exchange, ApiError e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", e.code());
    body.put("message", e.getMessage());
    json(exchange, e.status(), body);
    if (e.retryAfterSeconds() != null) {
      exchange.getMessage().setHeader("Retry-After", e.retryAfterSeconds());
    }
  }
}
