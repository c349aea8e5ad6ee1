package io.switchboard.runtime.workflow.builtin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.switchboard.api.Step;
import io.switchboard.runtime.tenant.Tenant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code tag}: adds labels to the interaction's {@code signals.tags}, for routing, reports and the API. */
final class TagStep implements BuiltinSteps.Builtin<TagStep.Config> {

  /** @param tags the labels to add; existing ones are kept, each appears once */
  record Config(
      @JsonProperty(value = "tags", required = true) @JsonPropertyDescription("Labels to add to signals.tags")
      List<String> tags) {}

  @Override
  public String name() {
    return "tag";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Step create(Config config, Tenant tenant) {
    if (config == null || config.tags() == null || config.tags().isEmpty()) {
      throw new io.switchboard.pluginloader.StepConfigException(name(), "tags", "must list at least one tag", null);
    }
    for (int i = 0; i < config.tags().size(); i++) {
      String t = config.tags().get(i);
      if (t == null || !t.matches("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")) {
        throw new io.switchboard.pluginloader.StepConfigException(name(), "tags[" + i + "]",
            "'" + t + "' is not a tag: letters, digits, '_', '.', ':' and '-', at most 64", null);
      }
    }
    List<String> add = List.copyOf(config.tags());
    return execution -> {
      Set<String> tags = new LinkedHashSet<>();
      if (execution.signals().get("tags") instanceof List<?> existing) {
        existing.forEach(t -> tags.add(String.valueOf(t)));
      }
      tags.addAll(add);
      execution.putSignal("tags", new ArrayList<>(tags));
    };
  }
}
