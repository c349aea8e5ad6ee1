package io.switchboard.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP request addressed to a connector, as the provider sent it.
 *
 * @param method HTTP method in upper case
 * @param url the full URL the provider called, as seen from outside the hub (public URL, honouring
 *     reverse-proxy headers) including the query string; this is what providers sign
 * @param headers request headers; look them up with {@link #header(String)}, which ignores case
 * @param body the raw body bytes, never null
 */
public record WebhookRequest(String method, String url, Map<String, String> headers, byte[] body) {

  public WebhookRequest {
    TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(headers);
    headers = java.util.Collections.unmodifiableMap(h);
    body = body == null ? new byte[0] : body;
  }

  /** A header value, ignoring the case of its name; null when absent. */
  public String header(String name) {
    return headers.get(name);
  }

  /** The content type without parameters, in lower case; empty when absent. */
  public String mediaType() {
    String ct = header("Content-Type");
    if (ct == null) {
      return "";
    }
    int semi = ct.indexOf(';');
    return (semi < 0 ? ct : ct.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  /** The body as {@code application/x-www-form-urlencoded} fields, in order of appearance. */
  public Map<String, List<String>> form() throws WebhookException {
    return FormData.parse(body);
  }
}
