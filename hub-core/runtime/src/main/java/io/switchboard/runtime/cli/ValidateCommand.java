package io.switchboard.runtime.cli;

import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.plugin.PluginHost;
import io.switchboard.runtime.tenant.ConfigProblem;
import io.switchboard.runtime.tenant.TenantConfigException;
import io.switchboard.runtime.tenant.TenantLoader;
import io.switchboard.runtime.tenant.TenantRegistry;
import io.switchboard.runtime.tenant.TenantSchema;
import io.switchboard.runtime.util.Json;
import io.switchboard.runtime.workflow.CompiledWorkflow;
import io.switchboard.runtime.workflow.RouteTemplates;
import io.switchboard.runtime.workflow.StepRunner;
import io.switchboard.runtime.workflow.WorkflowCompiler;
import io.switchboard.runtime.workflow.builtin.BuiltinSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code switchboard validate [path...]}: checks tenant files as the hub would load them (strict
 * YAML, the model's constraints, secret references, steps and their configurations from the
 * installed plugins, conditions, route templates) without starting anything, and prints every
 * problem as {@code file:line:column: path: message}.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check tenant files as the hub would load them, without starting it.",
        "Prints every problem as file:line:column: field: message; exits 1 when there is any, 2 when it cannot check."})
final class ValidateCommand implements Callable<Integer> {

  @Parameters(paramLabel = "PATH", arity = "0..*",
      description = "Tenant files or directories of them (default: switchboard.tenants-dir, config/tenants).")
  List<Path> paths = new ArrayList<>();

  @Option(names = "--plugins", paramLabel = "DIR", description = "Plugins whose steps tenants use (default: switchboard.plugins-dir).")
  Path pluginsDir;

  @Option(names = "--routes", paramLabel = "DIR", description = "Route templates tenants use (default: switchboard.routes-dir).")
  Path routesDir;

  @Option(names = "--json", description = "Print the result as JSON (one object with every file's problems).")
  boolean json;

  @Option(names = "--ignore-unset-env", description = "Accept ${env:NAME} references to unset variables (for CI without the secrets).")
  boolean ignoreUnsetEnv;

  @Override
  public Integer call() throws Exception {
    SwitchboardConfig config = SwitchboardConfig.fromEnvironment();
    List<Path> files = new ArrayList<>();
    for (Path p : paths.isEmpty() ? List.of(config.path(SwitchboardConfig.TENANTS_DIR)) : paths) {
      if (Files.isDirectory(p)) {
        try {
          files.addAll(TenantRegistry.files(p));
        } catch (TenantConfigException e) {
          System.err.println(e.getMessage());
          return 2;
        }
      } else if (Files.isRegularFile(p)) {
        files.add(p);
      } else {
        System.err.println("No tenant file or directory at " + p);
        return 2;
      }
    }
    Map<String, String> env = ignoreUnsetEnv ? new AnyEnv(System.getenv()) : System.getenv();
    Map<String, List<ConfigProblem>> results = new LinkedHashMap<>();
    try (PluginHost plugins = new PluginHost(pluginsDir != null ? pluginsDir : config.path(SwitchboardConfig.PLUGINS_DIR),
        id -> io.switchboard.runtime.SwitchboardRuntime.pluginContext(config, id, null));
        DefaultCamelContext camel = new DefaultCamelContext();
        StepRunner runner = new StepRunner(1, Duration.ZERO, Duration.ofSeconds(1))) {
      plugins.start();
      loadTemplates(camel, routesDir != null ? routesDir : config.path(SwitchboardConfig.ROUTES_DIR));
      WorkflowCompiler compiler = new WorkflowCompiler(plugins, new BuiltinSteps(), runner, new RouteTemplates(() -> camel));
      TenantLoader loader = new TenantLoader(env);
      for (Path f : files) {
        TenantLoader.Result r = loader.load(f);
        List<ConfigProblem> problems = new ArrayList<>(r.problems());
        if (r.ok()) {
          CompiledWorkflow w = compiler.compile(r.tenant());
          w.problems().forEach(p -> problems.add(p.locate(f, r.parsed().locations())));
        }
        results.put(f.toString(), problems);
      }
    }
    long bad = results.values().stream().filter(l -> !l.isEmpty()).count();
    long total = results.values().stream().mapToLong(List::size).sum();
    if (json) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("valid", bad == 0);
      out.put("files", results);
      System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    } else {
      results.forEach((file, problems) -> {
        if (problems.isEmpty()) {
          System.out.println(file + ": ok");
        } else {
          problems.forEach(p -> System.out.println(p));
        }
      });
      System.out.println(results.size() + " file(s) checked, " + (bad == 0 ? "all valid" : bad + " invalid, " + total + " problem(s)"));
    }
    return bad == 0 ? 0 : 1;
  }

  static void loadTemplates(DefaultCamelContext camel, Path routes) throws Exception {
    if (!Files.isDirectory(routes)) {
      return;
    }
    try (Stream<Path> s = Files.list(routes)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList()) {
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "file:" + f.toAbsolutePath()));
      }
    }
  }

  /** The environment, where an unset variable reads as a placeholder: for checking files without their secrets. */
  private static final class AnyEnv extends java.util.AbstractMap<String, String> {
    private final Map<String, String> env;

    AnyEnv(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public String get(Object key) {
      return env.getOrDefault(key, "unset-" + key);
    }

    @Override
    public java.util.Set<Entry<String, String>> entrySet() {
      return env.entrySet();
    }
  }

  /** {@code switchboard schema}: the JSON Schema of tenant files, with the installed plugins' steps. */
  @Command(name = "schema", mixinStandardHelpOptions = true,
      description = {"Print the JSON Schema of tenant files, with the steps of the installed plugins",
          "(the hub publishes the same at GET /api/v1/schema/tenant and in config/schema/tenant.schema.json)."})
  static final class Schema implements Callable<Integer> {
    @Option(names = "--plugins", paramLabel = "DIR", description = "Plugins whose steps to include (default: switchboard.plugins-dir).")
    Path pluginsDir;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to this file instead of printing.")
    Path output;

    @Override
    public Integer call() throws Exception {
      SwitchboardConfig config = SwitchboardConfig.fromEnvironment();
      try (PluginHost plugins = new PluginHost(pluginsDir != null ? pluginsDir : config.path(SwitchboardConfig.PLUGINS_DIR),
        id -> io.switchboard.runtime.SwitchboardRuntime.pluginContext(config, id, null))) {
        plugins.start();
        String text = schemaText(plugins);
        if (output == null) {
          System.out.print(text);
        } else {
          Files.createDirectories(output.toAbsolutePath().getParent());
          Files.writeString(output, text);
          System.out.println("Wrote " + output);
        }
      }
      return 0;
    }
  }

  /** The schema as the repository keeps it: pretty-printed, with a final newline. */
  static String schemaText(PluginHost plugins) throws Exception {
    List<io.switchboard.api.StepFactory<?>> steps = new ArrayList<>(new BuiltinSteps().all());
    plugins.steps().forEach(s -> steps.add(s.factory()));
    return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(TenantSchema.generate(steps)) + "\n";
  }
}
