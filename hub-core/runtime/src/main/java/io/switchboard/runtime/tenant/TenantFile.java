package io.switchboard.runtime.tenant;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The shape of {@code config/tenants/<id>.yaml} as written by people, before secrets are resolved.
 * Parsed strictly: unknown fields and duplicate keys are errors.
 *
 * @param id the tenant id; must equal the file name without {@code .yaml}
 * @param name a display name
 * @param apiKeys keys for the REST API ({@code Authorization: Bearer <key>}); literals or
 *     {@code ${env:NAME}} references
 * @param channels connector id to its settings; each may hold a {@code secrets} map whose values
 *     are literals or {@code ${env:NAME}} references
 */
public record TenantFile(
    @JsonProperty(value = "id", required = true) String id,
    @JsonProperty("name") String name,
    @JsonProperty("apiKeys") List<String> apiKeys,
    @JsonProperty("channels") Map<String, Map<String, Object>> channels) {

  @JsonCreator
  public TenantFile {
    apiKeys = apiKeys == null ? List.of() : apiKeys;
    channels = channels == null ? Map.of() : channels;
  }
}
