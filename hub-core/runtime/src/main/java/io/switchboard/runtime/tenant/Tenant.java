package io.switchboard.runtime.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.ChannelSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tenant as the hub runs it: its id and name, the digests of its API keys, its channel settings
 * with secrets resolved, its plan and limits, and its workflow as declared. Immutable;
 * {@link #toString()} never shows a secret.
 */
public final class Tenant {

  private final TenantFile file;
  private final List<byte[]> apiKeyDigests;
  private final Map<String, ChannelSettings> channels;
  private final Map<String, String> secrets;
  private final Source source;

  /**
   * Where a tenant came from.
   *
   * @param file its tenant file; null for tenants built in code
   * @param digest SHA-256 of the file's bytes
   * @param redacted the file as written, with literal secrets replaced (references such as
   *     {@code ${env:NAME}} are kept: they say where the secret comes from, not what it is)
   * @param locations where each field of the file is, to place problems found later (a plugin that
   *     went away) without reading the file again
   */
  public record Source(java.nio.file.Path file, String digest, JsonNode redacted, Locations locations) {
    static final Source CODE = new Source(null, "", null, null);
  }

  /** A tenant without a workflow, for tests and tools. */
  public Tenant(String id, String name, List<String> apiKeys, Map<String, ChannelSettings> channels) {
    this(new TenantFile(id, name, null, null, List.of(), Map.of(), Map.of(), List.of(), List.of(), null, null), apiKeys,
        channels, Map.of(), Source.CODE);
  }

  /**
   * @param file the tenant file as bound (secret references unresolved)
   * @param apiKeys the resolved API keys; only their digests are kept
   * @param channels the resolved channel settings
   * @param secrets the resolved named secrets
   */
  public Tenant(TenantFile file, List<String> apiKeys, Map<String, ChannelSettings> channels,
      Map<String, String> secrets, Source source) {
    this.file = file;
    this.apiKeyDigests = apiKeys.stream().map(Tenant::sha256).toList();
    this.channels = Map.copyOf(channels);
    this.secrets = Map.copyOf(secrets);
    this.source = source;
  }

  public String id() {
    return file.id();
  }

  public String name() {
    return file.name() == null ? file.id() : file.name();
  }

  public TenantFile.Plan plan() {
    return file.plan();
  }

  public TenantFile.Limits limits() {
    return file.limits();
  }

  /** Ids of the plugins the tenant's workflow uses. */
  public List<String> plugins() {
    return file.plugins();
  }

  /** The tenant's workflow as declared. */
  public TenantFile.Workflow workflow() {
    return file.workflow();
  }

  /** The tenant's scheduled jobs as declared. */
  public TenantFile.Schedules schedules() {
    return file.schedules();
  }

  /** The route templates the tenant runs. */
  public List<TenantFile.RouteUse> routes() {
    return file.routes();
  }

  /** A named secret of the tenant's ({@code secrets.<name>}), resolved. Never log it. */
  public Optional<String> secret(String name) {
    return Optional.ofNullable(secrets.get(name));
  }

  /** The names of the tenant's secrets. */
  public java.util.Set<String> secretNames() {
    return secrets.keySet();
  }

  /** What workflow expressions see as {@code tenant}. */
  public Map<String, Object> variables() {
    return Map.of("id", id(), "name", name(), "plan", plan().name());
  }

  public Source source() {
    return source;
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
    return "Tenant[" + id() + ", channels=" + channels.keySet() + "]";
  }
}
