package io.switchboard.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import io.switchboard.pluginloader.LoaderSwap;
import io.switchboard.pluginloader.StepConfigBinder;
import io.switchboard.pluginloader.StepConfigException;
import io.switchboard.runtime.plugin.PluginCatalog;
import io.switchboard.runtime.tenant.Tenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns a tenant's declared plugins and workflow steps into runnable steps: every plugin the tenant
 * names must be installed and started, every step must come from one of them, and each step's
 * configuration is bound strictly to the step's type by {@link StepConfigBinder} (the binder the test
 * kit's {@code StepTester} uses too). Errors name the tenant, the step or plugin, and what to fix.
 */
public final class WorkflowCompiler {

  private final PluginCatalog plugins;

  public WorkflowCompiler(PluginCatalog plugins) {
    this.plugins = plugins;
  }

  public CompiledWorkflow compile(Tenant tenant) {
    List<String> errors = new ArrayList<>();
    for (String id : tenant.plugins()) {
      Optional<PluginCatalog.PluginStatus> p = plugins.plugin(id);
      if (p.isEmpty()) {
        errors.add("tenant '" + tenant.id() + "' uses plugin '" + id + "', which is not installed on this hub");
      } else if (!p.get().isStarted()) {
        errors.add("tenant '" + tenant.id() + "' uses plugin '" + id + "', which is " + p.get().state().toLowerCase()
            + (p.get().failure() == null ? "" : " (" + p.get().failure() + ")"));
      }
    }
    List<StepRunner.ConfiguredStep> steps = new ArrayList<>();
    List<Tenant.StepSpec> specs = tenant.steps();
    for (int i = 0; i < specs.size(); i++) {
      Tenant.StepSpec spec = specs.get(i);
      String where = "tenant '" + tenant.id() + "' workflow.steps[" + i + "] (" + spec.step() + ")";
      Optional<PluginCatalog.ProvidedStep> provided = plugins.step(spec.step());
      if (provided.isEmpty()) {
        errors.add(where + ": no started plugin provides step '" + spec.step() + "'");
        continue;
      }
      PluginCatalog.ProvidedStep ps = provided.get();
      if (!tenant.plugins().contains(ps.pluginId())) {
        errors.add(where + ": the step comes from plugin '" + ps.pluginId() + "'; add it to the tenant's 'plugins' list");
        continue;
      }
      try {
        steps.add(new StepRunner.ConfiguredStep(spec.step(), create(ps, spec.config()), ps.loader()));
      } catch (StepConfigException e) {
        // The binder's message starts with the step's name, which 'where' already gives.
        errors.add(where + ": " + e.problem());
      } catch (IllegalArgumentException e) {
        errors.add(where + ": " + e.getMessage());
      } catch (RuntimeException | LinkageError e) {
        errors.add(where + ": plugin '" + ps.pluginId() + "' failed to create the step: " + e);
      }
    }
    return new CompiledWorkflow(tenant.id(), errors.isEmpty() ? steps : List.of(), errors);
  }

  @SuppressWarnings("unchecked")
  private static Step create(PluginCatalog.ProvidedStep ps, JsonNode config) {
    StepFactory<Object> factory = (StepFactory<Object>) ps.factory();
    Object bound = StepConfigBinder.bind(factory, config);
    try (LoaderSwap swap = LoaderSwap.to(ps.loader())) {
      Step step = factory.create(bound);
      if (step == null) {
        throw new IllegalStateException("create() returned null");
      }
      return step;
    }
  }
}
