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

  public DefaultPluginContext(String pluginId) {
    this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
  }

  @Override
  public String pluginId() {
    return pluginId;
  }

  @Override
  public Map<String, String> configuration() {
    return Map.of();
  }

  @Override
  public Optional<String> secret(String name) {
    return Optional.empty();
  }

  @Override
  public Logger logger(Class<?> type) {
    return LoggerFactory.getLogger(type);
  }

  @Override
  public Metrics metrics() {
    return NO_METRICS;
  }

  @Override
  public HttpClient httpClient(Duration requestTimeout) {
    // requestTimeout is per request (HttpRequest.Builder#timeout); the client only knows connect timeouts.
    return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
  }

  @Override
  public String toString() {
    return "DefaultPluginContext[" + pluginId + "]";
  }
}
