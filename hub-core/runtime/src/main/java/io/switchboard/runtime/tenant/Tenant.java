package io.switchboard.runtime.tenant;

import io.switchboard.api.ChannelSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant as the hub runs it: its id and name, the digests of its API keys, and its channel
 * settings with secrets resolved. Immutable; {@link #toString()} never shows a secret.
 */
public final class Tenant {

  private final String id;
  private final String name;
  private final List<byte[]> apiKeyDigests;
  private final Map<String, ChannelSettings> channels;
  private final List<String> plugins;
  private final List<StepSpec> steps;

  /**
   * One workflow step as the tenant declared it.
   *
   * @param step the step's name
   * @param config its raw configuration, bound to the step's type when the workflow is compiled
   */
  public record StepSpec(String step, com.fasterxml.jackson.databind.JsonNode config) {}

  public Tenant(String id, String name, List<String> apiKeys, Map<String, ChannelSettings> channels) {
    this(id, name, apiKeys, channels, List.of(), List.of());
  }

  public Tenant(String id, String name, List<String> apiKeys, Map<String, ChannelSettings> channels,
      List<String> plugins, List<StepSpec> steps) {
    this.id = id;
    this.name = name;
    this.apiKeyDigests = apiKeys.stream().map(Tenant::sha256).toList();
    this.channels = Map.copyOf(channels);
    this.plugins = List.copyOf(plugins);
    this.steps = List.copyOf(steps);
  }

  /** Ids of the plugins the tenant's workflow uses. */
  public List<String> plugins() {
    return plugins;
  }

  /** The tenant's workflow steps, in order. */
  public List<StepSpec> steps() {
    return steps;
  }

  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  /** The tenant's settings for a connector, if the tenant uses it. */
  public Optional<ChannelSettings> channel(String connectorId) {
    return Optional.ofNullable(channels.get(connectorId));
  }

  public Map<String, ChannelSettings> channels() {
    return channels;
  }

  /** Whether the presented key is one of this tenant's API keys; constant time in the key. */
  public boolean acceptsApiKey(String presented) {
    return presented != null && !presented.isEmpty() && acceptsDigest(sha256(presented));
  }

  /** Same as {@link #acceptsApiKey} for a key already hashed with {@link #sha256(String)}. */
  boolean acceptsDigest(byte[] d) {
    boolean match = false;
    for (byte[] k : apiKeyDigests) {
      match |= MessageDigest.isEqual(k, d);
    }
    return match;
  }

  /** The SHA-256 of an API key; a presented key is hashed once and checked against every tenant. */
  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "Tenant[" + id + ", channels=" + channels.keySet() + "]";
  }
}
