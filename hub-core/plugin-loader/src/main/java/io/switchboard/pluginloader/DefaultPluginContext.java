package io.switchboard.pluginloader;

import io.switchboard.api.PluginContext;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The minimal {@link PluginContext}: no configuration, no secrets, SLF4J loggers, metrics that are
 * dropped, and HTTP clients with a 10 s connect timeout. What the hub's plugin host gives plugins
 * until the hub's configuration supplies real settings.
 */
public final class DefaultPluginContext implements PluginContext {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private static final Metrics NO_METRICS = new Metrics() {
    @Override
    public void count(String name, double amount, Map<String, String> tags) {
      // dropped: no metrics registry yet
    }

    @Override
    public void time(String name, Duration duration, Map<String, String> tags) {
      // dropped: no metrics registry yet
    }
  };

  private final String pluginId;
  private final Map<String, String> configuration;
  private final Map<String, String> secrets;
  private final Metrics metrics;

  /** A context with no configuration and no secrets. */
  public DefaultPluginContext(String pluginId) {
    this(pluginId, Map.of(), Map.of());
  }

  /**
   * @param configuration the plugin's settings by name
   * @param secrets the plugin's secrets by name; never logged, never shown by {@link #toString()}
   */
  public DefaultPluginContext(String pluginId, Map<String, String> configuration, Map<String, String> secrets) {
    this(pluginId, configuration, secrets, NO_METRICS);
  }

  /** @param metrics where the plugin's counters and timers go, already tagged with the plugin id */
  public DefaultPluginContext(String pluginId, Map<String, String> configuration, Map<String, String> secrets,
      Metrics metrics) {
    this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
    this.configuration = Map.copyOf(configuration);
    this.secrets = Map.copyOf(secrets);
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public String pluginId() {
    return pluginId;
  }

  @Override
  public Map<String, String> configuration() {
    return configuration;
  }

  @Override
  public Optional<String> secret(String name) {
    return Optional.ofNullable(secrets.get(name));
  }

  /** Named {@code plugin.<id>.<class>}, so every line says which plugin wrote it. */
  @Override
  public Logger logger(Class<?> type) {
    return LoggerFactory.getLogger("plugin." + pluginId + "." + type.getName());
  }

  @Override
  public Metrics metrics() {
    return metrics;
  }

  @Override
  public HttpClient httpClient(Duration requestTimeout) {
    // requestTimeout is per request (HttpRequest.Builder#timeout); the client only knows connect timeouts.
    return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  @Override
  public String toString() {
    return "DefaultPluginContext[" + pluginId + ", configuration " + configuration.keySet() + ", secrets "
        + secrets.keySet() + "]";
  }
}
