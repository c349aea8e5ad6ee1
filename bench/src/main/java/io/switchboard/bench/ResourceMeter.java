package io.switchboard.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * CPU, GC and threads of this JVM, of one embedded PostgreSQL (a separate process tree, so it is
 * not in the JVM's CPU time) and of the whole machine, between two snapshots. The PostgreSQL and
 * machine figures come from Linux's /proc and are absent elsewhere.
 */
final class ResourceMeter {

  /** Linux reports process CPU in clock ticks; USER_HZ is 100 on every mainstream kernel build. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
  /** The postmaster's pid, or -1: read when a snapshot is taken. */
  private final LongSupplier postmasterPid;

  ResourceMeter(LongSupplier postmasterPid) {
    this.postmasterPid = postmasterPid;
  }

  record Snapshot(long wallNanos, long jvmCpuNanos, long pgTicks, long machineBusy, long machineTotal,
      long gcCount, long gcMillis, int threads) {}

  /** Averages between two snapshots. Negative values mean "not available". */
  record Usage(double seconds, double jvmCores, double pgCores, double machineCores, long gcCount, long gcMillis) {

    /** What neither this JVM nor its PostgreSQL used: other processes on the machine. */
    double otherCores() {
      return machineCores < 0 || jvmCores < 0 ? -1 : Math.max(0, machineCores - jvmCores - Math.max(0, pgCores));
    }
  }

  /** Machine-wide busy cores over {@code millis}, before anything is started; -1 when unknown. */
  static double machineBusyCores(long millis) throws InterruptedException {
    ResourceMeter m = new ResourceMeter(() -> -1);
    Snapshot a = m.snapshot();
    Thread.sleep(millis);
    return between(a, m.snapshot()).machineCores();
  }

  Snapshot snapshot() {
    long gcCount = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : gcs) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    long[] machine = machineJiffies();
    return new Snapshot(System.nanoTime(), os.getProcessCpuTime(), postgresTicks(postmasterPid.getAsLong()),
        machine[0], machine[1], gcCount, gcMillis, ManagementFactory.getThreadMXBean().getThreadCount());
  }

  static Usage between(Snapshot a, Snapshot b) {
    double seconds = (b.wallNanos() - a.wallNanos()) / 1e9;
    if (seconds <= 0) {
      return new Usage(0, -1, -1, -1, 0, 0);
    }
    double jvm = a.jvmCpuNanos() < 0 || b.jvmCpuNanos() < 0 ? -1 : (b.jvmCpuNanos() - a.jvmCpuNanos()) / 1e9 / seconds;
    double pg = a.pgTicks() < 0 || b.pgTicks() < 0 ? -1 : (b.pgTicks() - a.pgTicks()) / TICKS_PER_SECOND / seconds;
    long total = b.machineTotal() - a.machineTotal();
    double machine = a.machineTotal() < 0 || b.machineTotal() < 0 || total <= 0 ? -1
        : (double) (b.machineBusy() - a.machineBusy()) / total * Runtime.getRuntime().availableProcessors();
    return new Usage(seconds, jvm, pg, machine, b.gcCount() - a.gcCount(), b.gcMillis() - a.gcMillis());
  }

  /** Busy and total jiffies of all CPUs from /proc/stat; {-1, -1} when unavailable. */
  private static long[] machineJiffies() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long total = 0;
      long idle = 0;
      // user nice system idle iowait irq softirq steal (guest time is already inside user)
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i == 4 || i == 5) {
          idle += v;
        }
      }
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  /**
   * CPU ticks of a PostgreSQL server: the postmaster, every live backend and helper below it, and
   * what its already-exited children used (the postmaster's cutime/cstime). -1 when unavailable.
   */
  static long postgresTicks(long postmaster) {
    if (postmaster <= 0) {
      return -1;
    }
    OptionalLong self = ticks(postmaster, true);
    if (self.isEmpty()) {
      return -1;
    }
    long sum = self.getAsLong();
    var handle = ProcessHandle.of(postmaster);
    if (handle.isPresent()) {
      for (ProcessHandle child : (Iterable<ProcessHandle>) handle.get().descendants()::iterator) {
        sum += ticks(child.pid(), false).orElse(0);
      }
    }
    return sum;
  }

  /** utime+stime (and, with {@code reaped}, cutime+cstime) of one process from /proc/pid/stat. */
  private static OptionalLong ticks(long pid, boolean reaped) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      // The command name (field 2) may contain spaces; the fields we want follow its ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // f[0] is field 3 (state): utime is field 14 -> f[11], stime f[12], cutime f[13], cstime f[14]
      long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      if (reaped) {
        t += Long.parseLong(f[13]) + Long.parseLong(f[14]);
      }
      return OptionalLong.of(t);
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** The postmaster's pid from a data directory's postmaster.pid; -1 when there is none. */
  static long postmasterPid(Path dataDir) {
    try {
      return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Heap in use after a full collection, in MiB. */
  static double heapAfterGcMiB() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
  }
}
