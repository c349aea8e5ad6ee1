package io.switchboard.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One tenant's settings for one connector, as declared under {@code channels.<connector>} in the
 * tenant file, with secret references already resolved. Immutable and thread-safe.
 *
 * @param tenantId the tenant these settings belong to
 * @param values plain settings (phone numbers, account ids); values are strings or lists of strings
 * @param secrets resolved secrets (auth tokens, app secrets); never logged, never echoed
 */
public record ChannelSettings(String tenantId, Map<String, Object> values, Map<String, String> secrets) {

  public ChannelSettings {
    values = Map.copyOf(values);
    secrets = Map.copyOf(secrets);
  }

  /** A plain setting as a string, if present. */
  public Optional<String> value(String key) {
    Object v = values.get(key);
    return v == null ? Optional.empty() : Optional.of(String.valueOf(v));
  }

  /** A plain setting that is a list of strings (a single string counts as a one-element list). */
  public List<String> list(String key) {
    Object v = values.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> l) {
      return l.stream().map(String::valueOf).toList();
    }
    return List.of(String.valueOf(v));
  }

  /**
   * A secret that the connector cannot work without.
   *
   * @throws IllegalStateException naming the tenant and the key (never the value) when missing
   */
  public String requireSecret(String key) {
    String s = secrets.get(key);
    if (s == null || s.isEmpty()) {
      throw new IllegalStateException("tenant '" + tenantId + "' has no secret '" + key + "' configured");
    }
    return s;
  }

  @Override
  public String toString() {
    return "ChannelSettings[tenantId=" + tenantId + ", values=" + values + ", secrets=" + secrets.keySet() + "]";
  }
}
