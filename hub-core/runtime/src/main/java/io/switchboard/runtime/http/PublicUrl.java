package io.switchboard.runtime.http;

import java.util.Locale;

/**
 * The URL a request was addressed to as seen from outside the hub, which is what providers sign.
 * X-Forwarded-Proto and X-Forwarded-Host from a reverse proxy win; then the configured
 * {@code switchboard.public-url}; then the request's Host header.
 */
public final class PublicUrl {

  private final String configured;

  /** @param configured {@code switchboard.public-url}, may be null or empty */
  public PublicUrl(String configured) {
    String c = configured == null ? "" : configured.trim();
    this.configured = c.endsWith("/") ? c.substring(0, c.length() - 1) : c;
  }

  /**
   * @param path the request path, starting with '/'
   * @param query the raw query string, or null
   */
  public String resolve(String forwardedProto, String forwardedHost, String host, String path, String query) {
    String base;
    if (forwardedHost != null && !forwardedHost.isBlank()) {
      String proto = forwardedProto == null || forwardedProto.isBlank() ? "https" : first(forwardedProto);
      base = proto.toLowerCase(Locale.ROOT) + "://" + first(forwardedHost);
    } else if (!configured.isEmpty()) {
      base = configured;
      if (forwardedProto != null && !forwardedProto.isBlank()) {
        base = first(forwardedProto).toLowerCase(Locale.ROOT) + base.substring(base.indexOf("://"));
      }
    } else {
      base = (forwardedProto == null || forwardedProto.isBlank() ? "http" : first(forwardedProto)) + "://"
          + (host == null ? "localhost" : host);
    }
    return base + path + (query == null || query.isEmpty() ? "" : "?" + query);
  }

  private static String first(String headerValue) {
    int comma = headerValue.indexOf(',');
    return (comma < 0 ? headerValue : headerValue.substring(0, comma)).trim();
  }
}
