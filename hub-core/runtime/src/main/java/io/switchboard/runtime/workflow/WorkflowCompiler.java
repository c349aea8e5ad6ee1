package io.switchboard.runtime.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import io.switchboard.pluginloader.LoaderSwap;
import io.switchboard.pluginloader.StepConfigBinder;
import io.switchboard.pluginloader.StepConfigException;
import io.switchboard.runtime.plugin.PluginCatalog;
import io.switchboard.runtime.tenant.ConfigProblem;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantFile;
import io.switchboard.runtime.workflow.builtin.BuiltinSteps;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a tenant's declared workflow into runnable nodes: every plugin the tenant names must be
 * installed and started, every step must be one of the hub's own or come from one of those plugins,
 * each step's configuration is bound strictly to the step's type by {@link StepConfigBinder} (the
 * binder the test kit's {@code StepTester} uses too), and every condition must compile. Problems
 * carry the field's path ({@code workflow.steps[2].config.keywords}) so the caller can place them
 * in the file. Thread-safe.
 */
public final class WorkflowCompiler {

  private final PluginCatalog plugins;
  private final BuiltinSteps builtins;
  private final StepRunner runner;
  private final RouteTemplates templates;

  public WorkflowCompiler(PluginCatalog plugins, BuiltinSteps builtins, StepRunner runner, RouteTemplates templates) {
    this.plugins = plugins;
    this.builtins = builtins;
    this.runner = runner;
    this.templates = templates;
  }

  public CompiledWorkflow compile(Tenant tenant) {
    Context cx = new Context(tenant);
    for (int i = 0; i < tenant.plugins().size(); i++) {
      String id = tenant.plugins().get(i);
      Optional<PluginCatalog.PluginStatus> p = plugins.plugin(id);
      if (p.isEmpty()) {
        cx.problem("plugins[" + i + "]", "plugin '" + id + "' is not installed on this hub");
      } else if (!p.get().isStarted()) {
        cx.problem("plugins[" + i + "]", "plugin '" + id + "' is " + p.get().state().toLowerCase(java.util.Locale.ROOT)
            + (p.get().failure() == null ? "" : " (" + p.get().failure() + ")"));
      }
    }
    Map<String, List<WorkflowNode>> variants = new LinkedHashMap<>();
    variants.put(CompiledWorkflow.DEFAULT, nodes(cx, tenant.workflow().steps(), "workflow.steps", ""));
    tenant.workflow().channels().forEach((channel, w) ->
        variants.put(channel, nodes(cx, w.steps(), "workflow.channels." + channel + ".steps", channel + "/")));
    List<RouteTemplates.Use> routes = templates.check(tenant, cx.problems);
    return new CompiledWorkflow(tenant.id(), tenant.source().digest(),
        cx.problems.isEmpty() ? variants : Map.of(), routes, cx.problems);
  }

  /** What one compilation collects: problems, and the node ids given so far (they must be unique). */
  private static final class Context {
    final Tenant tenant;
    final List<ConfigProblem> problems = new ArrayList<>();
    final Set<String> ids = new HashSet<>();

    Context(Tenant tenant) {
      this.tenant = tenant;
    }

    void problem(String path, String message) {
      problems.add(ConfigProblem.at(path, message));
    }

    /** The node's id: the one given (unique), or one made from where it is. */
    String id(TenantFile.Node node, String path, String made) {
      if (node.id() == null) {
        return made;
      }
      if (!ids.add(node.id())) {
        problem(path + ".id", "'" + node.id() + "' is already the id of another node; ids must be unique in the workflow");
      }
      return node.id();
    }
  }

  private List<WorkflowNode> nodes(Context cx, List<TenantFile.Node> specs, String path, String prefix) {
    List<WorkflowNode> out = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      WorkflowNode n = node(cx, specs.get(i), path + "[" + i + "]", prefix + i);
      if (n != null) {
        out.add(n);
      }
    }
    return out;
  }

  private WorkflowNode node(Context cx, TenantFile.Node spec, String path, String position) {
    Expressions.Expression when = spec.when() == null ? null : condition(cx, spec.when(), path + ".when");
    switch (spec.kind()) {
      case STOP -> {
        return new WorkflowNode.StopNode(cx.id(spec, path, position + "-stop"), when, spec.stop().reason());
      }
      case CHOICE -> {
        String id = cx.id(spec, path, position + "-choice");
        List<WorkflowNode.Branch> branches = new ArrayList<>();
        List<TenantFile.Branch> declared = spec.choice().when();
        for (int b = 0; b < declared.size(); b++) {
          TenantFile.Branch br = declared.get(b);
          String bp = path + ".choice.when[" + b + "]";
          Expressions.Expression c = condition(cx, br.condition(), bp + ".condition");
          String branchId = br.id() != null ? br.id() : "when-" + b;
          branches.add(new WorkflowNode.Branch(branchId, c, nodes(cx, br.steps(), bp + ".steps", id + "/" + branchId + "/")));
        }
        List<WorkflowNode> otherwise = nodes(cx, spec.choice().otherwise(), path + ".choice.otherwise", id + "/otherwise/");
        return new WorkflowNode.ChoiceNode(id, branches, otherwise);
      }
      default -> {
        String id = cx.id(spec, path, position + "-" + spec.step());
        StepRunner.ConfiguredStep step = step(cx, spec, path);
        return step == null ? null : new WorkflowNode.StepNode(id, step, when,
            spec.onError() == TenantFile.OnError.CONTINUE, runner);
      }
    }
  }

  private Expressions.Expression condition(Context cx, String source, String path) {
    try {
      return Expressions.condition(source);
    } catch (Expressions.InvalidExpressionException e) {
      cx.problem(path, e.getMessage());
      return null;
    }
  }

  private StepRunner.ConfiguredStep step(Context cx, TenantFile.Node spec, String path) {
    String name = spec.step();
    Optional<BuiltinSteps.Builtin<?>> builtin = builtins.find(name);
    // A step of one of the tenant's own plugins wins over a hub step of the same name (the ai-local
    // plugin's ai.sentiment over the hub's, ADR 0004).
    Optional<PluginCatalog.ProvidedStep> own = plugins.step(name).filter(ps -> cx.tenant.plugins().contains(ps.pluginId()));
    if (builtin.isPresent() && own.isEmpty()) {
      try {
        return new StepRunner.ConfiguredStep(name, builtin.get().create(spec.config(), cx.tenant), BuiltinSteps.class.getClassLoader());
      } catch (StepConfigException e) {
        cx.problem(configPath(path, e.field()), e.problem());
        return null;
      }
    }
    Optional<PluginCatalog.ProvidedStep> provided = plugins.step(name);
    if (provided.isEmpty()) {
      cx.problem(path + ".step", "no step '" + name + "': it is neither one of the hub's (" + String.join(", ", builtins.names())
          + ") nor provided by a started plugin" + (cx.tenant.plugins().isEmpty() ? "; list the plugin under 'plugins'" : ""));
      return null;
    }
    PluginCatalog.ProvidedStep ps = provided.get();
    if (!cx.tenant.plugins().contains(ps.pluginId())) {
      cx.problem(path + ".step", "step '" + name + "' comes from plugin '" + ps.pluginId() + "'; add it to 'plugins'");
      return null;
    }
    JsonNode config;
    try {
      config = withSecrets(spec.config(), cx.tenant, "");
    } catch (UnknownSecretException e) {
      cx.problem(path + ".config" + e.at, e.getMessage());
      return null;
    }
    try {
      return new StepRunner.ConfiguredStep(name, create(ps, config), ps.loader());
    } catch (StepConfigException e) {
      cx.problem(configPath(path, e.field()), e.problem());
    } catch (IllegalArgumentException e) {
      cx.problem(path + ".config", e.getMessage());
    } catch (RuntimeException | LinkageError e) {
      cx.problem(path + ".step", "plugin '" + ps.pluginId() + "' failed to create the step: " + e);
    }
    return null;
  }

  private static final java.util.regex.Pattern SECRET_REF = java.util.regex.Pattern.compile("\\$\\{secret:([a-z][a-z0-9_-]*)}");

  /**
   * The configuration with each string value {@code ${secret:NAME}} replaced by the tenant's named
   * secret, so that a plugin step (an LLM's API key) gets its secret without the file holding it.
   * The tenant file, and whatever the API shows of it, keep the reference.
   *
   * @throws UnknownSecretException when a named secret does not exist
   */
  static JsonNode withSecrets(JsonNode config, Tenant tenant, String at) {
    if (config == null) {
      return null;
    }
    if (config.isTextual()) {
      var m = SECRET_REF.matcher(config.asText());
      if (!m.matches()) {
        return config;
      }
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(tenant.secret(m.group(1)).orElseThrow(() ->
          new UnknownSecretException(at, "secret '" + m.group(1) + "' is not one of the tenant's secrets "
              + new java.util.TreeSet<>(tenant.secretNames()) + "; declare it under 'secrets'")));
    }
    if (config.isObject()) {
      var obj = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      for (var it = config.fields(); it.hasNext(); ) {
        var e = it.next();
        obj.set(e.getKey(), withSecrets(e.getValue(), tenant, at + "." + e.getKey()));
      }
      return obj;
    }
    if (config.isArray()) {
      var arr = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
      for (int i = 0; i < config.size(); i++) {
        arr.add(withSecrets(config.get(i), tenant, at + "[" + i + "]"));
      }
      return arr;
    }
    return config;
  }

  /** A {@code ${secret:NAME}} in a step's configuration that names no secret of the tenant's. */
  static final class UnknownSecretException extends IllegalArgumentException {
    final String at;

    UnknownSecretException(String at, String message) {
      super(message);
      this.at = at;
    }
  }

  private static String configPath(String nodePath, String field) {
    return field == null || field.isEmpty() ? nodePath + ".config" : nodePath + ".config." + field;
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
