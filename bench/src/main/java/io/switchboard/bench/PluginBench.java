package io.switchboard.bench;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Plugins under load: how long installing and starting a step plugin through the admin API takes,
 * and the hub's webhook throughput with only the Twilio plugin loaded against with N more step
 * plugins loaded. See docs/benchmarks.md.
 */
@Command(name = "plugin-bench", mixinStandardHelpOptions = true, sortOptions = false,
    version = "Switchboard plugin benchmark 0.1",
    description = "Starts a real in-process hub with only the Twilio plugin, loads the demo tenant's SMS webhook "
        + "(closed loop), then installs N small step plugins built at run time through POST /api/v1/plugins "
        + "(timing each install), loads the same webhook again, unless --no-workflow loads a tenant whose "
        + "workflow runs all N steps, then removes the N plugins and loads the webhook once more. Prints install times and req/s, latency and stored/s per state. Everything, "
        + "the load generator included, runs in this one JVM; it needs a JDK (the plugins are compiled at run time).")
public final class PluginBench implements Callable<Integer> {

  static final String ADMIN_KEY = "sb_bench_admin_key";
  static final String WORKFLOW_TENANT = "bench";
  static final String WORKFLOW_NUMBER = "+15550007000";
  static final String WORKFLOW_TOKEN = "bench-twilio-auth-token";

  @Option(names = "--plugins", paramLabel = "N", defaultValue = "10",
      description = "Step plugins to install (default: ${DEFAULT-VALUE}).")
  int plugins;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "16",
      description = "Requests in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--duration", paramLabel = "TIME", defaultValue = "20s", converter = SkeletonBench.DurationConverter.class,
      description = "Measured time per state (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "20s", converter = SkeletonBench.DurationConverter.class,
      description = "Load sent before each measured time and not counted (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--workflow", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Also load a tenant whose workflow runs every installed step (default: ${DEFAULT-VALUE}).")
  boolean workflow;

  @CommandLine.Mixin
  BenchSetup setup;

  private final PrintStream out = System.out;

  public static void main(String[] args) {
    int rc = new CommandLine(new PluginBench()).execute(args);
    System.out.flush();
    System.exit(rc);
  }

  /** One measured state of the hub. */
  private record State(String label, int pluginsLoaded, LoadGenerator.Result load, long stored, double drainSeconds,
      String drainOutcome, long deadLetters) {

    double storedPerSecond() {
      double t = load.loadSeconds() + drainSeconds;
      return t <= 0 ? 0 : stored / t;
    }
  }

  @Override
  public Integer call() throws Exception {
    if (plugins < 1 || concurrency < 1 || duration.isZero() || duration.isNegative() || warmup.isNegative()) {
      throw new CommandLine.ParameterException(new CommandLine(this), "plugins, concurrency and duration must be positive");
    }
    Path twilio = setup.pluginsDir();
    Path config = setup.configDir();
    Machine machine = Machine.describe();
    out.println("Switchboard plugin benchmark");
    out.printf("  %d step plugins; per state: concurrency %d, warm-up %s, measured %s, %d sender numbers%n", plugins,
        concurrency, SkeletonBench.human(warmup), SkeletonBench.human(duration), setup.senders);
    out.println("  " + machine.oneLine());
    out.println();

    Path work = Files.createTempDirectory("switchboard-bench-plugins-");
    try {
      List<Path> zips = new ArrayList<>();
      for (int n = 1; n <= plugins; n++) {
        zips.add(StepPlugins.build(work, n));
      }
      Path benchConfig = work.resolve("config");
      Support.copyTree(config, benchConfig);
      if (workflow) {
        Files.writeString(benchConfig.resolve("tenants/" + WORKFLOW_TENANT + ".yaml"), workflowTenant());
      }
      Properties system = BenchSetup.switchboardProperties();
      system.setProperty("switchboard.admin.api-key", ADMIN_KEY);
      out.println("== starting the hub (Twilio plugin only)");
      List<State> states = new ArrayList<>();
      double[] installMs;
      double[] removeMs;
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      try (HubTarget hub = HubTarget.start(benchConfig, twilio, BenchSetup.routesDir(config), system)) {
        states.add(measure(hub, "demo, Twilio only", 1, hub.requests(setup.authToken, setup.senders)));
        installMs = install(http, hub, zips);
        states.add(measure(hub, "demo, +" + plugins + " plugins", 1 + plugins, hub.requests(setup.authToken, setup.senders)));
        if (workflow) {
          states.add(measure(hub, "bench, " + plugins + "-step workflow", 1 + plugins,
              hub.requests(WORKFLOW_TENANT, WORKFLOW_NUMBER, WORKFLOW_TOKEN, setup.senders)));
        }
        // The first state ran on the coldest JVM; measuring "Twilio only" again after removing the
        // plugins shows how much of a difference is warm-up rather than plugins.
        removeMs = remove(http, hub);
        states.add(measure(hub, "demo, Twilio only again", 1, hub.requests(setup.authToken, setup.senders)));
        out.println("== stopping the hub");
      }
      report(installMs, removeMs, states);
    } finally {
      Support.deleteTree(work);
    }
    return 0;
  }

  /** A tenant like demo whose workflow runs every bench step once, in order. */
  private String workflowTenant() {
    String ids = IntStream.rangeClosed(1, plugins).mapToObj(StepPlugins::pluginId).collect(Collectors.joining(", "));
    String steps = IntStream.rangeClosed(1, plugins).mapToObj(n -> "    - step: " + StepPlugins.stepName(n))
        .collect(Collectors.joining("\n"));
    return """
        id: %s
        apiKeys: [sb_bench_key]
        channels:
          twilio:
            phoneNumbers: ["%s"]
            secrets:
              authToken: %s
        plugins: [%s]
        workflow:
          steps:
        %s
        """.formatted(WORKFLOW_TENANT, WORKFLOW_NUMBER, WORKFLOW_TOKEN, ids, steps);
  }

  /** Installs every zip through the admin API, one after the other; the time of each, in ms. */
  private double[] install(HttpClient http, HubTarget hub, List<Path> zips) throws Exception {
    double[] ms = new double[zips.size()];
    for (int i = 0; i < zips.size(); i++) {
      ms[i] = admin(http, hub, "POST", "", HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(zips.get(i))), 201);
      out.printf("== installed %s in %.1f ms%n", zips.get(i).getFileName(), ms[i]);
    }
    return ms;
  }

  /** Stops and removes the step plugins again, one after the other; the time of each, in ms. */
  private double[] remove(HttpClient http, HubTarget hub) throws Exception {
    double[] ms = new double[plugins];
    for (int n = 1; n <= plugins; n++) {
      ms[n - 1] = admin(http, hub, "DELETE", "/" + StepPlugins.pluginId(n), HttpRequest.BodyPublishers.noBody(), 204);
      out.printf("== removed %s in %.1f ms%n", StepPlugins.pluginId(n), ms[n - 1]);
    }
    return ms;
  }

  /** One call of /api/v1/plugins with the admin key; its time in ms. */
  private static double admin(HttpClient http, HubTarget hub, String method, String path,
      HttpRequest.BodyPublisher body, int expected) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/v1/plugins" + path))
        .timeout(Duration.ofSeconds(60))
        .header("Authorization", "Bearer " + ADMIN_KEY)
        .header("Content-Type", "application/zip")
        .method(method, body)
        .build();
    long t0 = System.nanoTime();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    double ms = (System.nanoTime() - t0) / 1e6;
    if (response.statusCode() != expected) {
      throw new IllegalStateException(method + " /api/v1/plugins" + path + " answered " + response.statusCode() + ": "
          + response.body());
    }
    return ms;
  }

  /** Loads the hub in its current state, then waits until what it accepted is stored. */
  private State measure(HubTarget hub, String label, int pluginsLoaded, LoadGenerator.Requests requests)
      throws Exception {
    long before = hub.stored();
    out.printf("== %s: %d plugin(s) loaded; %d in flight, %s warm-up + %s measured%n", label, pluginsLoaded,
        concurrency, SkeletonBench.human(warmup), SkeletonBench.human(duration));
    PhaseResult r = new PhaseResult(label);
    r.load = new LoadGenerator(label, concurrency, warmup, duration, out).run(requests, new LoadGenerator.WindowListener() {
      @Override
      public void opened() {}

      @Override
      public void closed() {}
    });
    SkeletonBench.drain(out, label, hub, r, before + r.load.totalOk(), setup.maxDrain);
    return new State(label, pluginsLoaded, r.load, r.stored - before, r.drainSeconds, r.drainOutcome,
        hub.deadLetters());
  }

  private void report(double[] installMs, double[] removeMs, List<State> states) {
    out.println();
    times("Install and start a step plugin (POST /api/v1/plugins", installMs);
    times("Stop and remove it (DELETE /api/v1/plugins/{id}", removeMs);
    out.println();
    StringBuilder table = new StringBuilder(String.format("%-28s", ""));
    states.forEach(s -> table.append(String.format(" %26s", s.label())));
    table.append('\n');
    row(table, "plugins loaded", states, s -> String.valueOf(s.pluginsLoaded()));
    row(table, "requests / non-2xx / errors", states,
        s -> String.format("%,d / %,d / %,d", s.load().requests(), s.load().non2xx(), s.load().errors()));
    row(table, "throughput (req/s)", states, s -> String.format("%,.0f", s.load().requestsPerSecond()));
    row(table, "latency p50 (ms)", states, s -> percentile(s, 50));
    row(table, "latency p99 (ms)", states, s -> percentile(s, 99));
    row(table, "accepted incl. warm-up", states, s -> String.format("%,d", s.load().totalOk()));
    row(table, "stored (this state)", states, s -> String.format("%,d", s.stored()));
    row(table, "drain after load (s)", states, s -> String.format("%.1f", s.drainSeconds()));
    row(table, "end-to-end stored/s", states, s -> String.format("%,.0f", s.storedPerSecond()));
    row(table, "dead letters (cumulative)", states, s -> String.valueOf(s.deadLetters()));
    out.print(table);
    states.stream().filter(s -> !"complete".equals(s.drainOutcome()))
        .forEach(s -> out.printf("WARNING: %s: drain %s%n", s.label(), s.drainOutcome()));
  }

  private void times(String what, double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    out.printf("%s, %d times, one after the other):%n", what, n);
    out.printf("  min %.1f ms, median %.1f ms, max %.1f ms; in order: %s%n", sorted[0], median, sorted[n - 1],
        Arrays.stream(ms).mapToObj(v -> String.format("%.0f", v)).collect(Collectors.joining(", ")));
  }

  private static String percentile(State s, double p) {
    return s.load().latencyNanos().getTotalCount() == 0 ? "-"
        : String.format("%.1f", s.load().latencyNanos().getValueAtPercentile(p) / 1e6);
  }

  private static void row(StringBuilder table, String name, List<State> states, Function<State, String> value) {
    table.append(String.format("%-28s", name));
    states.forEach(s -> table.append(String.format(" %26s", value.apply(s))));
    table.append('\n');
  }
}
