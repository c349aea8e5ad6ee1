package io.switchboard.api;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * What the hub gives a plugin: its own configuration and secrets, a logger, metrics and HTTP
 * clients. Plugins see only this, never the hub's internals. Implementations are thread-safe.
 */
public interface PluginContext {

  /** The plugin's id, as in its descriptor. */
  String pluginId();

  /**
   * The plugin's settings: hub configuration keys {@code switchboard.plugins.<id>.<name>}, by
   * name. Never null.
   */
  Map<String, String> configuration();

  /**
   * A secret of the plugin's, configured as {@code switchboard.plugins.<id>.secrets.<name>}
   * (typically from an environment variable). Never log it.
   */
  Optional<String> secret(String name);

  /** A logger named after the plugin; messages carry the plugin id. */
  Logger logger(Class<?> type);

  /** Counters and timers, reported with the hub's metrics and tagged with the plugin id. */
  Metrics metrics();

  /**
   * A new HTTP client for calling a provider's API, with the hub's connect timeout and proxy
   * settings. Each request must set its own timeout; {@code requestTimeout} is the default to use.
   */
  HttpClient httpClient(Duration requestTimeout);

  /** Minimal metrics, so that plugins do not depend on a metrics library's version. */
  interface Metrics {
    /** Adds {@code amount} to the counter {@code name} with the given tags. */
    void count(String name, double amount, Map<String, String> tags);

    /** Records one duration for the timer {@code name} with the given tags. */
    void time(String name, Duration duration, Map<String, String> tags);
  }
}
