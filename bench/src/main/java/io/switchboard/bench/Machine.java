package io.switchboard.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Facts about where the benchmark ran. */
record Machine(int cores, String cpuModel, long memoryBytes, String os, String java, String vm, long maxHeapBytes,
    String gcs, String jvmArgs) {

  static Machine describe() {
    var osBean = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    String model = "unknown CPU";
    try {
      model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst().orElse(model);
    } catch (Exception e) {
      // not Linux
    }
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        model,
        osBean.getTotalMemorySize(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
        System.getProperty("java.runtime.version", System.getProperty("java.version")) + " ("
            + System.getProperty("java.vendor") + ")",
        System.getProperty("java.vm.name"),
        Runtime.getRuntime().maxMemory(),
        ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(", ")),
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
  }

  String oneLine() {
    return String.format("%d cores (%s), %.1f GiB RAM, %s; Java %s, max heap %.1f GiB", cores, cpuModel,
        memoryBytes / (1024.0 * 1024 * 1024), os, java, maxHeapBytes / (1024.0 * 1024 * 1024));
  }
}
