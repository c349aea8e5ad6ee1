package io.switchboard.runtime.plugin;

import io.switchboard.api.StepFactory;
import java.util.Optional;

/** What the workflow compiler needs to know about installed plugins. */
public interface PluginCatalog {

  /** A plugin's id, version and state ({@code STARTED}, {@code DISABLED}, {@code FAILED}, ...). */
  record PluginStatus(String id, String version, String state, String failure) {
    public boolean isStarted() {
      return "STARTED".equals(state);
    }
  }

  /** A step factory with the plugin that provides it and that plugin's class loader. */
  record ProvidedStep(String pluginId, StepFactory<?> factory, ClassLoader loader) {}

  /** An installed plugin by id, whatever its state; empty when not installed. */
  Optional<PluginStatus> plugin(String id);

  /** The step factory of that name from a started plugin. */
  Optional<ProvidedStep> step(String name);

  /** Every step of every started plugin. */
  java.util.List<ProvidedStep> steps();
}
