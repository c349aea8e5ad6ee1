package io.switchboard.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The walking skeleton under load: signed Twilio SMS webhooks at a fixed concurrency for a fixed
 * time against a real in-process hub, then the same load against a bare Camel route as the
 * baseline, in the same run on the same machine. See docs/benchmarks.md.
 */
@Command(name = "skeleton-bench", mixinStandardHelpOptions = true, sortOptions = false,
    version = "Switchboard skeleton benchmark 0.1",
    description = "Posts signed Twilio SMS webhooks at a fixed concurrency (closed loop) for a fixed time to a real "
        + "in-process hub (embedded PostgreSQL + embedded Kafka + the Twilio plugin), waits for the pipeline to "
        + "drain, then does the same against a bare Camel route (platform-http -> JDBC insert) as the baseline, "
        + "and prints throughput, latency percentiles, stored/published counts and resource use. Everything, the "
        + "load generator included, runs in this one JVM.")
public final class SkeletonBench implements Callable<Integer> {

  enum Only { hub, baseline, both }

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "32",
      description = "Requests in flight: N threads, each sending the next request when the previous answered (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--duration", paramLabel = "TIME", defaultValue = "30s", converter = DurationConverter.class,
      description = "Measured time per system, e.g. 30s, 2m, 1500ms (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "5s", converter = DurationConverter.class,
      description = "Load sent before the measured time and not counted in it (default: ${DEFAULT-VALUE}).")
  Duration warmup;

  @Option(names = "--only", paramLabel = "WHICH", defaultValue = "both",
      description = "Which systems to load: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Only only;

  @CommandLine.Mixin
  BenchSetup setup;

  @Option(names = "--hub-pg-setting", paramLabel = "NAME=VALUE",
      description = "A PostgreSQL setting for the hub's embedded database, applied with ALTER SYSTEM before the load"
          + " (repeatable; for experiments, e.g. plan_cache_mode=force_custom_plan).")
  java.util.Map<String, String> hubPgSettings = new java.util.LinkedHashMap<>();

  private final PrintStream out = System.out;
  private double backgroundCores = -1;

  public static void main(String[] args) {
    int rc = new CommandLine(new SkeletonBench()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.out.flush();
    // Exit explicitly: under exec:java the Maven JVM would otherwise wait for any straggling thread.
    System.exit(rc);
  }

  @Override
  public Integer call() throws Exception {
    if (concurrency < 1 || duration.isZero() || duration.isNegative() || warmup.isNegative()) {
      throw new CommandLine.ParameterException(new CommandLine(this), "concurrency and duration must be positive");
    }
    Path plugins = setup.pluginsDir();
    Path config = setup.configDir();
    Path routes = BenchSetup.routesDir(config);
    Machine machine = Machine.describe();
    out.println("Switchboard skeleton benchmark");
    out.printf("  concurrency %d, warm-up %s, measured %s, %d sender numbers; config %s, plugins %s%n",
        concurrency, human(warmup), human(duration), setup.senders, config.toAbsolutePath().normalize(),
        plugins.toAbsolutePath().normalize());
    out.println("  " + machine.oneLine());
    backgroundCores = ResourceMeter.machineBusyCores(2000);
    if (backgroundCores >= 0) {
      out.printf("  CPU busy before start (other processes): %.2f cores%s%n", backgroundCores,
          backgroundCores > 0.2 ? "  WARNING: the machine is not idle; figures will be lower and noisier" : "");
    }
    out.println("  NOTE: one JVM runs the load generator and the system under test (hub: Camel/Vert.x, Kafka broker");
    out.println("  and clients, pipeline; or the baseline); PostgreSQL runs as separate processes. All share the");
    out.println("  same " + machine.cores() + " cores.");
    out.println();

    PhaseResult hub = null;
    PhaseResult baseline = null;
    int poolSize = 10;
    if (only != Only.baseline) {
      Properties system = BenchSetup.switchboardProperties();
      hub = runPhase("hub", () -> HubTarget.start(config, plugins, routes, system));
      poolSize = hub.poolSize;
    } else {
      String p = System.getProperty("switchboard.db.pool-size");
      poolSize = p == null ? poolSize : Integer.parseInt(p.trim());
    }
    if (only != Only.hub) {
      int size = poolSize;
      baseline = runPhase("baseline", () -> BaselineTarget.start(size));
    }
    out.println();
    new Report(out).print(machine, this, hub, baseline);
    reportStragglers();
    return 0;
  }

  /** Starts a system, loads it, waits for it to drain, measures, stops it. */
  private PhaseResult runPhase(String name, Callable<Target> starter) throws Exception {
    out.printf("== %s: starting%n", name);
    long s0 = System.nanoTime();
    Target target = starter.call();
    PhaseResult r = new PhaseResult(name);
    r.startupSeconds = (System.nanoTime() - s0) / 1e9;
    Thread hook = new Thread(target::close, "bench-shutdown-" + name);
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      r.poolSize = target.poolSize();
      r.synchronousCommit = target.synchronousCommit();
      if (target instanceof HubTarget h && !hubPgSettings.isEmpty()) {
        h.applyPostgresSettings(hubPgSettings);
        r.notes.add("PostgreSQL settings applied before the load: " + hubPgSettings);
      }
      if (target instanceof HubTarget h) {
        r.notes.add("Kafka: embedded single broker, " + h.topicPartitions() + " partitions per topic, producer acks=all;"
            + " pipeline: " + h.pipelineConsumers() + " consumer(s), up to " + h.maxPollRecords() + " records per transaction");
      }
      out.printf("== %s: ready in %.1f s; %s load, %d in flight, %s warm-up + %s measured%n", name, r.startupSeconds,
          name, concurrency, human(warmup), human(duration));

      ResourceMeter meter = new ResourceMeter(target::postmasterPid);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      threads.resetPeakThreadCount();
      ResourceMeter.Snapshot[] window = new ResourceMeter.Snapshot[2];
      r.load = new LoadGenerator(name, concurrency, warmup, duration, out).run(
          target.requests(setup.authToken, setup.senders), new LoadGenerator.WindowListener() {
            @Override
            public void opened() {
              window[0] = meter.snapshot();
            }

            @Override
            public void closed() {
              window[1] = meter.snapshot();
            }
          });
      ResourceMeter.Snapshot loadEnd = meter.snapshot();
      r.loadUsage = ResourceMeter.between(window[0], window[1]);
      r.threadsAtEnd = window[1].threads();
      out.printf("== %s: load done: %,d measured requests in %.1f s (%,.0f req/s); %,d accepted in all, warm-up included%n",
          name, r.load.requests(), r.load.measuredSeconds(), r.load.requestsPerSecond(), r.load.totalOk());

      drain(out, name, target, r, r.load.totalOk(), setup.maxDrain);
      ResourceMeter.Snapshot drainEnd = meter.snapshot();
      r.drainUsage = ResourceMeter.between(loadEnd, drainEnd);
      r.eventsPublished = target.eventsPublished();
      r.inboundAppended = target.inboundAppended();
      r.deadLetters = target.deadLetters();
      if (target instanceof HubTarget h) {
        r.diagnostics.add("PostgreSQL table and index access after the drain (pg_stat_user_tables/indexes; the"
            + " benchmark's own count(*) polls are the seq scans of interactions and the scans of interactions_pkey):");
        h.tableStats().forEach(line -> r.diagnostics.add("  " + line));
      }
      r.heapAfterGcMiB = ResourceMeter.heapAfterGcMiB();
      r.threadsPeak = threads.getPeakThreadCount();
    } finally {
      out.printf("== %s: stopping%n", name);
      long c0 = System.nanoTime();
      target.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down (Ctrl-C); the hook found the target closed
      }
      out.printf("== %s: stopped in %.1f s%n%n", name, (System.nanoTime() - c0) / 1e9);
    }
    return r;
  }

  /**
   * Waits until {@code target} has stored {@code expected} rows (and, for the hub, published as
   * many events), or nothing has changed for 5 s, or {@code maxDrain} has passed. The drain time
   * ends at the last change.
   */
  static void drain(PrintStream out, String name, Target target, PhaseResult r, long expected, Duration maxDrain)
      throws Exception {
    long start = System.nanoTime();
    long lastChange = start;
    long lastPrint = start;
    long stored = -1;
    long printedStored = 0;
    Long events = null;
    String outcome;
    long reached;
    while (true) {
      long s = target.stored();
      Long e = target.eventsPublished();
      long now = System.nanoTime();
      if (stored != -1 && (s != stored || !java.util.Objects.equals(e, events))) {
        lastChange = now;
      }
      if (stored == -1) {
        r.storedAtLoadEnd = s;
        printedStored = s;
      }
      stored = s;
      events = e;
      if (stored >= expected && (events == null || events >= stored)) {
        outcome = "complete";
        reached = now;
        break;
      }
      if (now - lastChange >= TimeUnit.SECONDS.toNanos(5)) {
        outcome = "stalled: no progress for 5 s";
        reached = lastChange;
        break;
      }
      if (now - start >= maxDrain.toNanos()) {
        outcome = "not finished after " + human(maxDrain);
        reached = now;
        break;
      }
      if (now - lastPrint >= TimeUnit.SECONDS.toNanos(2)) {
        out.printf("  %-8s draining t=%2.0fs: stored %,d of %,d accepted%s (%,.0f stored/s)%n", name,
            (now - start) / 1e9, stored, expected, events == null ? "" : String.format(", events published %,d", events),
            (stored - printedStored) / ((now - lastPrint) / 1e9));
        lastPrint = now;
        printedStored = stored;
      }
      Thread.sleep(200);
    }
    r.stored = stored;
    r.drainSeconds = (reached - start) / 1e9;
    r.drainOutcome = outcome;
    out.printf("== %s: drained (%s) in %.1f s: stored %,d of %,d accepted%s%n", name, outcome, r.drainSeconds, stored,
        expected, events == null ? "" : String.format(", events published %,d", events));
  }

  /** Non-daemon threads still alive after everything was stopped: a hint of a leak, not a failure. */
  private void reportStragglers() {
    List<String> left = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon() && t != Thread.currentThread())
        .map(Thread::getName)
        // Netty's global executor thread ends by itself a second after its last task.
        .filter(n -> !n.equals("main") && !n.equals("DestroyJavaVM") && !n.startsWith("globalEventExecutor"))
        .sorted()
        .collect(Collectors.toList());
    if (!left.isEmpty()) {
      out.println("Non-daemon threads still running after shutdown: " + left);
    }
  }

  double backgroundCores() {
    return backgroundCores;
  }

  Duration warmup() {
    return warmup;
  }

  Duration duration() {
    return duration;
  }

  int concurrency() {
    return concurrency;
  }

  int senders() {
    return setup.senders;
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** 30s, 2m, 1500ms, 1h, a plain number of seconds, or ISO-8601 (PT30S). */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      Matcher m = SIMPLE.matcher(v);
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
          case "ms" -> Duration.ofMillis(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofSeconds(n);
        };
      }
      try {
        return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 30s, 2m, 1500ms)");
      }
    }
  }
}
