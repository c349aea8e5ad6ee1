package io.switchboard.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/** The final table: hub and baseline side by side, then machine facts and anything that went wrong. */
final class Report {

  private final PrintStream out;

  Report(PrintStream out) {
    this.out = out;
  }

  void print(Machine m, SkeletonBench options, PhaseResult hub, PhaseResult baseline) {
    out.println("=".repeat(78));
    out.printf("RESULTS  concurrency %d (closed loop), %s measured after %s warm-up, %d sender numbers%n",
        options.concurrency(), SkeletonBench.human(options.duration()), SkeletonBench.human(options.warmup()),
        options.senders());
    out.println("  hub      = POST /webhooks/demo/twilio/sms on a real hub (signature check, dedupe transaction,");
    out.println("             Kafka append acks=all, then the asynchronous pipeline: contact, conversation,");
    out.println("             sentiment, interaction + event rows, event published to Kafka)");
    out.println("  baseline = bare Camel route: platform-http -> parse form -> JDBC insert -> <Response/>");
    out.println("=".repeat(78));
    List<String[]> rows = new ArrayList<>();
    row(rows, "requests (measured)", hub, baseline, r -> n(r.load.requests()));
    row(rows, "  2xx", hub, baseline, r -> n(r.load.ok()));
    row(rows, "  non-2xx", hub, baseline, r -> n(r.load.non2xx()));
    row(rows, "  errors (no HTTP answer)", hub, baseline, r -> n(r.load.errors()));
    row(rows, "throughput (req/s)", hub, baseline, r -> String.format("%,.0f", r.load.requestsPerSecond()));
    row(rows, "latency p50 (ms)", hub, baseline, r -> ms(r.load.latencyNanos(), 50));
    row(rows, "latency p90 (ms)", hub, baseline, r -> ms(r.load.latencyNanos(), 90));
    row(rows, "latency p99 (ms)", hub, baseline, r -> ms(r.load.latencyNanos(), 99));
    row(rows, "latency p99.9 (ms)", hub, baseline, r -> ms(r.load.latencyNanos(), 99.9));
    row(rows, "latency max (ms)", hub, baseline, r -> r.load.latencyNanos().getTotalCount() == 0 ? "-"
        : String.format("%.2f", r.load.latencyNanos().getMaxValue() / 1e6));
    row(rows, "latency mean (ms)", hub, baseline, r -> r.load.latencyNanos().getTotalCount() == 0 ? "-"
        : String.format("%.2f", r.load.latencyNanos().getMean() / 1e6));
    row(rows, "requests incl. warm-up", hub, baseline, r -> n(r.load.totalRequests()));
    row(rows, "2xx incl. warm-up (accepted)", hub, baseline, r -> n(r.load.totalOk()));
    row(rows, "inbound records (Kafka)", hub, baseline, r -> opt(r.inboundAppended));
    row(rows, "stored when load stopped", hub, baseline, r -> n(r.storedAtLoadEnd));
    row(rows, "stored after drain (rows)", hub, baseline, r -> n(r.stored));
    row(rows, "events published (Kafka)", hub, baseline, r -> opt(r.eventsPublished));
    row(rows, "dead letters", hub, baseline, r -> opt(r.deadLetters));
    row(rows, "drain after load (s)", hub, baseline, r -> String.format("%.1f", r.drainSeconds));
    row(rows, "  drain outcome", hub, baseline, r -> r.drainOutcome);
    row(rows, "  stored/s while draining", hub, baseline, r -> r.drainSeconds < 0.5 ? "-"
        : String.format("%,.0f", (r.stored - r.storedAtLoadEnd) / r.drainSeconds));
    row(rows, "end-to-end stored/s *", hub, baseline, r -> String.format("%,.0f", r.endToEndPerSecond()));
    row(rows, "CPU, this JVM (cores) **", hub, baseline, r -> cores(r.loadUsage.jvmCores()));
    row(rows, "CPU, PostgreSQL (cores) **", hub, baseline, r -> cores(r.loadUsage.pgCores()));
    row(rows, "CPU, whole machine (cores) **", hub, baseline, r -> cores(r.loadUsage.machineCores()));
    row(rows, "CPU, other processes (cores) **", hub, baseline, r -> cores(r.loadUsage.otherCores()));
    row(rows, "CPU during drain: JVM/PG (cores)", hub, baseline, r -> r.drainUsage.seconds() < 1 ? "-"
        : cores(r.drainUsage.jvmCores()) + " / " + cores(r.drainUsage.pgCores()));
    row(rows, "GC: collections / time (ms) **", hub, baseline,
        r -> r.loadUsage.gcCount() + " / " + r.loadUsage.gcMillis());
    row(rows, "heap used after GC (MiB)", hub, baseline, r -> String.format("%.0f", r.heapAfterGcMiB));
    row(rows, "threads at end of load / peak", hub, baseline, r -> r.threadsAtEnd + " / " + r.threadsPeak);
    row(rows, "start-up (s)", hub, baseline, r -> String.format("%.1f", r.startupSeconds));
    row(rows, "DB pool size", hub, baseline, r -> String.valueOf(r.poolSize));
    row(rows, "PostgreSQL synchronous_commit", hub, baseline, r -> r.synchronousCommit);
    table(rows);
    out.println("  *  everything stored / (warm-up + measured load + drain time)");
    out.println("  ** over the measured window; JVM = load generator + system under test in this one process;");
    out.println("     PostgreSQL = its postmaster and backends (separate processes); machine = all CPUs busy;");
    out.println("     other = machine - JVM - PostgreSQL: anything else running (should be ~0)");
    out.println();
    out.println("Machine: " + m.oneLine());
    if (options.backgroundCores() >= 0) {
      out.printf("  CPU busy before the run (other processes): %.2f cores%n", options.backgroundCores());
    }
    out.println("  JVM: " + m.vm() + ", GC " + m.gcs() + (m.jvmArgs().isBlank() ? "" : ", args: " + m.jvmArgs()));
    for (PhaseResult r : new PhaseResult[] {hub, baseline}) {
      if (r == null) {
        continue;
      }
      r.notes.forEach(note -> out.println("  " + r.name + ": " + note));
    }
    for (PhaseResult r : new PhaseResult[] {hub, baseline}) {
      if (r == null) {
        continue;
      }
      out.println(r.name + " HTTP statuses (measured): " + r.load.statuses());
      r.diagnostics.forEach(line -> out.println(r.name + " " + line));
      if (!r.load.outcomes().isEmpty()) {
        out.println(r.name + " non-2xx answers and errors (warm-up included), by kind:");
        for (Map.Entry<String, Long> e : r.load.outcomes().entrySet()) {
          out.printf("  %,8d  %s%n", e.getValue(), e.getKey());
        }
      }
      boolean ok = r.load.errors() == 0 && r.load.non2xx() == 0 && r.load.totalOk() == r.stored
          && (r.eventsPublished == null || r.eventsPublished == r.stored)
          && (r.deadLetters == null || r.deadLetters == 0);
      out.println(r.name + " consistency: " + (ok
          ? "every request answered 2xx, every accepted message stored" + (r.eventsPublished == null ? "" : " and published")
          : "CHECK: accepted " + r.load.totalOk() + ", stored " + r.stored + ", events " + opt(r.eventsPublished)
              + ", dead letters " + opt(r.deadLetters) + ", non-2xx " + r.load.totalNon2xx() + ", errors "
              + r.load.totalErrors()));
    }
  }

  private void table(List<String[]> rows) {
    int w0 = rows.stream().mapToInt(r -> r[0].length()).max().orElse(10);
    int w1 = Math.max(12, rows.stream().mapToInt(r -> r[1].length()).max().orElse(10));
    int w2 = Math.max(12, rows.stream().mapToInt(r -> r[2].length()).max().orElse(10));
    String fmt = "%-" + w0 + "s  %" + w1 + "s  %" + w2 + "s%n";
    out.printf(fmt, "", "hub", "baseline");
    out.println("-".repeat(w0 + w1 + w2 + 4));
    rows.forEach(r -> out.printf(fmt, (Object[]) r));
    out.println("-".repeat(w0 + w1 + w2 + 4));
  }

  private static void row(List<String[]> rows, String label, PhaseResult hub, PhaseResult baseline,
      Function<PhaseResult, String> value) {
    rows.add(new String[] {label, hub == null ? "(not run)" : value.apply(hub),
        baseline == null ? "(not run)" : value.apply(baseline)});
  }

  private static String n(long v) {
    return String.format("%,d", v);
  }

  private static String opt(Long v) {
    return v == null ? "n/a" : n(v);
  }

  private static String cores(double c) {
    return c < 0 ? "n/a" : String.format("%.2f", c);
  }

  private static String ms(Histogram h, double percentile) {
    return h.getTotalCount() == 0 ? "-" : String.format("%.2f", h.getValueAtPercentile(percentile) / 1e6);
  }
}
