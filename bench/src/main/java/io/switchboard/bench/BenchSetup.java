package io.switchboard.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every benchmark program needs to start and load a hub, as a picocli mixin: where the plugin
 * zips and the config are, the request options, the drain limit; and the {@code switchboard.*}
 * overrides.
 */
final class BenchSetup {

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(names = "--plugins-dir", paramLabel = "DIR",
      description = "Directory with the Twilio plugin zip (default: -Dbench.plugins-dir, else target/bench-plugins or bench/target/bench-plugins, whichever has a zip).")
  Path pluginsDir;

  @Option(names = "--config-dir", paramLabel = "DIR",
      description = "The repository's config/ directory, copied into the hub's temporary home (default: -Dbench.config-dir, else config or ../config).")
  Path configDir;

  @Option(names = "--senders", paramLabel = "N", defaultValue = "1000",
      description = "Distinct sender phone numbers the messages cycle through (default: ${DEFAULT-VALUE}).")
  int senders;

  @Option(names = "--max-drain", paramLabel = "TIME", defaultValue = "180s", converter = SkeletonBench.DurationConverter.class,
      description = "Longest wait for the hub's pipeline to store what was accepted (default: ${DEFAULT-VALUE}).")
  Duration maxDrain;

  @Option(names = "--auth-token", paramLabel = "TOKEN", defaultValue = "${env:DEMO_TWILIO_AUTH_TOKEN:-demo-twilio-auth-token}",
      description = "The demo tenant's Twilio auth token to sign with (default: $DEMO_TWILIO_AUTH_TOKEN, else the demo value).")
  String authToken;

  /** The directory with the Twilio plugin zip, from --plugins-dir or the defaults. */
  Path pluginsDir() {
    List<Path> candidates = candidates(pluginsDir, "bench.plugins-dir", "target/bench-plugins", "bench/target/bench-plugins");
    for (Path c : candidates) {
      if (hasZip(c)) {
        return c;
      }
    }
    throw new CommandLine.ParameterException(command.commandLine(), "no plugin zip in " + joined(candidates)
        + "; build it first: mvn -B -q -pl bench -am install -DskipTests");
  }

  /** The repository's config/, from --config-dir or the defaults. */
  Path configDir() {
    List<Path> candidates = candidates(configDir, "bench.config-dir", "config", "../config");
    for (Path c : candidates) {
      if (Files.isRegularFile(c.resolve("switchboard.properties")) && Files.isDirectory(c.resolve("tenants"))) {
        return c;
      }
    }
    throw new CommandLine.ParameterException(command.commandLine(), "no switchboard config (switchboard.properties and tenants/) in "
        + joined(candidates) + "; pass --config-dir");
  }

  /** The routes/ directory next to config/, or null when there is none. */
  static Path routesDir(Path config) {
    Path routes = config.toAbsolutePath().normalize().resolveSibling("routes");
    return Files.isDirectory(routes) ? routes : null;
  }

  /** This JVM's {@code switchboard.*} system properties: the hub's configuration overrides. */
  static Properties switchboardProperties() {
    Properties system = new Properties();
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("switchboard."))
        .forEach(k -> system.setProperty(k, System.getProperty(k)));
    return system;
  }

  private static List<Path> candidates(Path explicit, String property, String... defaults) {
    List<Path> candidates = new ArrayList<>();
    if (explicit != null) {
      candidates.add(explicit);
      return candidates;
    }
    String p = System.getProperty(property);
    if (p != null && !p.isBlank()) {
      candidates.add(Path.of(p));
    }
    for (String d : defaults) {
      candidates.add(Path.of(d));
    }
    return candidates;
  }

  private static String joined(List<Path> paths) {
    return paths.stream().map(Path::toString).collect(Collectors.joining(" or "));
  }

  private static boolean hasZip(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (var s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().endsWith(".zip"));
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
