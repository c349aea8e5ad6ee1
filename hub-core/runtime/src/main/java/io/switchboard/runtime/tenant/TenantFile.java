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
 * @param plugins ids of the plugins whose steps the workflow uses
 * @param workflow the steps to run over each interaction
 */
public record TenantFile(
    @JsonProperty(value = "id", required = true) String id,
    @JsonProperty("name") String name,
    @JsonProperty("apiKeys") List<String> apiKeys,
    @JsonProperty("channels") Map<String, Map<String, Object>> channels,
    @JsonProperty("plugins") List<String> plugins,
    @JsonProperty("workflow") Workflow workflow) {

  @JsonCreator
  public TenantFile {
    apiKeys = apiKeys == null ? List.of() : apiKeys;
    channels = channels == null ? Map.of() : channels;
    plugins = plugins == null ? List.of() : plugins;
    workflow = workflow == null ? new Workflow(List.of()) : workflow;
  }

  /**
   * The tenant's workflow: steps run in order over every inbound interaction.
   *
   * @param steps each names a step contributed by one of the tenant's plugins
   */
  public record Workflow(@JsonProperty("steps") List<StepEntry> steps) {
    @JsonCreator
    public Workflow {
      steps = steps == null ? List.of() : steps;
    }
  }

  /**
   * One step: its name and its configuration, bound later to the step's own type.
   *
   * @param step the step's name, e.g. {@code example.keywords}
   * @param config its settings; checked against the step's configuration type
   */
  public record StepEntry(
      @JsonProperty(value = "step", required = true) String step,
      @JsonProperty("config") com.fasterxml.jackson.databind.JsonNode config) {}
}
