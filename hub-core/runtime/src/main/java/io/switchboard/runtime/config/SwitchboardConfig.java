package io.switchboard.runtime.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The hub's configuration: {@code config/switchboard.properties}, where every key can be
 * overridden by an environment variable ({@code switchboard.db.url} ← {@code SWITCHBOARD_DB_URL})
 * and, above that, by a JVM system property. Every key is documented in docs/configuration.md.
 *
 * <p>Relative paths are resolved against the hub's home directory ({@code SWITCHBOARD_HOME}, the
 * distribution's root; the working directory when unset). Immutable and thread-safe.
 */
public final class SwitchboardConfig {

  public static final String DATA_DIR = "switchboard.data-dir";
  public static final String HTTP_HOST = "switchboard.http.host";
  public static final String HTTP_PORT = "switchboard.http.port";
  public static final String PUBLIC_URL = "switchboard.public-url";
  public static final String WEBHOOK_MAX_BODY = "switchboard.webhooks.max-body-bytes";
  public static final String TENANTS_DIR = "switchboard.tenants-dir";
  public static final String PLUGINS_DIR = "switchboard.plugins-dir";
  public static final String ROUTES_DIR = "switchboard.routes-dir";
  public static final String DB_URL = "switchboard.db.url";
  public static final String DB_USER = "switchboard.db.user";
  public static final String DB_PASSWORD = "switchboard.db.password";
  public static final String DB_POOL_SIZE = "switchboard.db.pool-size";
  public static final String DB_EMBEDDED_PORT = "switchboard.db.embedded.port";
  public static final String KAFKA_BOOTSTRAP = "switchboard.kafka.bootstrap-servers";
  public static final String KAFKA_EMBEDDED_PORT = "switchboard.kafka.embedded.port";
  public static final String KAFKA_PARTITIONS = "switchboard.kafka.topic-partitions";
  public static final String KAFKA_REPLICATION = "switchboard.kafka.replication-factor";
  public static final String KAFKA_SEND_TIMEOUT = "switchboard.kafka.send-timeout-ms";
  public static final String CONVERSATION_WINDOW = "switchboard.pipeline.conversation-window-hours";
  public static final String DEFAULT_REGION = "switchboard.pipeline.default-region";
  public static final String PIPELINE_MAX_POLL = "switchboard.pipeline.max-poll-records";
  public static final String PIPELINE_CONSUMERS = "switchboard.pipeline.consumers";

  public static final String ADMIN_API_KEY = "switchboard.admin.api-key";
  public static final String PLUGINS_MAX_ARCHIVE = "switchboard.plugins.max-archive-bytes";
  public static final String PLUGINS_ALLOWED_SHA256 = "switchboard.plugins.allowed-sha256";
  public static final String STEP_ATTEMPTS = "switchboard.pipeline.step-attempts";
  public static final String STEP_TIMEOUT = "switchboard.pipeline.step-timeout-ms";
  public static final String TENANTS_POLL = "switchboard.tenants.poll-ms";
  public static final String ACTIONS_MAX_ATTEMPTS = "switchboard.actions.max-attempts";
  public static final String ACTIONS_BACKOFF = "switchboard.actions.backoff-ms";
  public static final String SCHEDULER_ENABLED = "switchboard.scheduler.enabled";
  public static final String SCHEDULER_INSTANCE_ID = "switchboard.scheduler.instance-id";
  public static final String SCHEDULER_THREADS = "switchboard.scheduler.threads";
  public static final String SCHEDULER_CHECKIN = "switchboard.scheduler.cluster-checkin-ms";

  /** Keys whose values are never printed. */
  private static final String[] SECRET_MARKERS = {"password", "secret", "token", "key"};

  private final Path home;
  private final Map<String, String> values;

  private SwitchboardConfig(Path home, Map<String, String> values) {
    this.home = home;
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /**
   * Loads the configuration for a hub rooted at {@code home}: the built-in defaults, then
   * {@code configFile} (when it exists), then environment variables, then system properties.
   */
  public static SwitchboardConfig load(Path home, Path configFile, Map<String, String> env, Properties system) {
    Properties props = new Properties();
    try (InputStream in = SwitchboardConfig.class.getResourceAsStream("switchboard-defaults.properties")) {
      if (in == null) {
        throw new IllegalStateException("switchboard-defaults.properties missing from the runtime jar");
      }
      props.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (configFile != null && Files.isRegularFile(configFile)) {
      try (InputStream in = Files.newInputStream(configFile)) {
        props.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read configuration file " + configFile, e);
      }
    }
    Map<String, String> merged = new TreeMap<>();
    props.stringPropertyNames().forEach(k -> merged.put(k, props.getProperty(k).trim()));
    // Environment variables override the file, for every known key and for keys only set there.
    env.forEach((name, value) -> {
      if (name.startsWith("SWITCHBOARD_") && !name.equals("SWITCHBOARD_HOME") && !name.equals("SWITCHBOARD_CONFIG")) {
        String key = merged.keySet().stream().filter(k -> envName(k).equals(name)).findFirst().orElse(null);
        if (key != null) {
          merged.put(key, value.trim());
        }
      }
    });
    system.stringPropertyNames().stream()
        .filter(k -> k.startsWith("switchboard."))
        .forEach(k -> merged.put(k, system.getProperty(k).trim()));
    return new SwitchboardConfig(home.toAbsolutePath().normalize(), merged);
  }

  /** The usual way: home from SWITCHBOARD_HOME, file from SWITCHBOARD_CONFIG or home/config. */
  public static SwitchboardConfig fromEnvironment() {
    Map<String, String> env = System.getenv();
    Path home = Path.of(env.getOrDefault("SWITCHBOARD_HOME", System.getProperty("switchboard.home", ".")));
    String file = env.getOrDefault("SWITCHBOARD_CONFIG", System.getProperty("switchboard.config", ""));
    Path configFile = file.isBlank() ? home.resolve("config/switchboard.properties") : Path.of(file);
    return load(home, configFile, env, System.getProperties());
  }

  /** The environment variable that overrides a key: upper case, dots and dashes as underscores. */
  public static String envName(String key) {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** A copy with some keys replaced; for tests and embedding. */
  public SwitchboardConfig with(Map<String, String> overrides) {
    Map<String, String> m = new TreeMap<>(values);
    m.putAll(overrides);
    return new SwitchboardConfig(home, m);
  }

  public Path home() {
    return home;
  }

  public Optional<String> get(String key) {
    String v = values.get(key);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  public String require(String key) {
    return get(key).orElseThrow(() -> new IllegalStateException(
        "configuration key " + key + " is not set (set it in config/switchboard.properties or as " + envName(key) + ")"));
  }

  public int intValue(String key) {
    String v = require(key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalStateException("configuration key " + key + " must be a whole number, got '" + v + "'");
    }
  }

  public Duration hours(String key) {
    return Duration.ofHours(intValue(key));
  }

  /** A path setting, resolved against the hub's home. */
  public Path path(String key) {
    return home.resolve(require(key)).normalize();
  }

  /** Every key with its value, secrets masked: what is safe to log. */
  public Map<String, String> redacted() {
    Map<String, String> m = new TreeMap<>();
    values.forEach((k, v) -> m.put(k, isSecret(k) && !v.isEmpty() ? "****" : v));
    return m;
  }

  /**
   * The keys under a prefix, with the prefix removed: {@code withPrefix("switchboard.plugins.x.")}
   * turns {@code switchboard.plugins.x.region=eu} into {@code region=eu}.
   */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> m = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix) && k.length() > prefix.length()) {
        m.put(k.substring(prefix.length()), v);
      }
    });
    return m;
  }

  /** Every key this configuration knows, with its raw value. */
  public Map<String, String> asMap() {
    return values;
  }

  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.contains(".secrets.")) {
      return true;
    }
    for (String marker : SECRET_MARKERS) {
      if (k.endsWith(marker) || k.contains(marker + ".")) {
        return true;
      }
    }
    return false;
  }
}
