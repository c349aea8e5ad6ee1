package io.switchboard.testkit;

import io.switchboard.api.PluginContext;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PluginContext} for tests: configuration and secrets set by the test, SLF4J loggers,
 * metrics the test reads back ({@link TestMetrics}) and plain JDK HTTP clients. Thread-safe.
 *
 * <pre>{@code
 * TestPluginContext context = new TestPluginContext("acme-crm")
 *     .config("baseUrl", "http://localhost:" + stub.port())
 *     .secret("apiKey", "test-key");
 * MyConnector connector = new MyConnector(context);
 * ...
 * assertEquals(1.0, context.metrics().counter("acme-crm.requests"));
 * }</pre>
 */
public final class TestPluginContext implements PluginContext {

  /** The connect timeout of {@link #httpClient} clients unless set. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final String pluginId;
  private final Map<String, String> configuration = new ConcurrentHashMap<>();
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final TestMetrics metrics = new TestMetrics();
  private volatile Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

  public TestPluginContext(String pluginId) {
    this(pluginId, Map.of(), Map.of());
  }

  public TestPluginContext(String pluginId, Map<String, String> configuration, Map<String, String> secrets) {
    this.pluginId = Objects.requireNonNull(pluginId, "pluginId");
    this.configuration.putAll(configuration);
    this.secrets.putAll(secrets);
  }

  /** Sets a plugin setting (the hub's {@code switchboard.plugins.<id>.<name>}). */
  public TestPluginContext config(String name, String value) {
    configuration.put(name, value);
    return this;
  }

  /** Sets a plugin secret (the hub's {@code switchboard.plugins.<id>.secrets.<name>}). */
  public TestPluginContext secret(String name, String value) {
    secrets.put(name, value);
    return this;
  }

  /** The connect timeout of the clients {@link #httpClient} returns. */
  public TestPluginContext connectTimeout(Duration connectTimeout) {
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    return this;
  }

  @Override
  public String pluginId() {
    return pluginId;
  }

  @Override
  public Map<String, String> configuration() {
    return Collections.unmodifiableMap(configuration);
  }

  @Override
  public Optional<String> secret(String name) {
    return Optional.ofNullable(secrets.get(name));
  }

  @Override
  public Logger logger(Class<?> type) {
    return LoggerFactory.getLogger(type);
  }

  @Override
  public TestMetrics metrics() {
    return metrics;
  }

  /**
   * A new client with the context's connect timeout. As with the hub, {@code requestTimeout} is the
   * timeout each request should set; JDK clients have no default request timeout.
   */
  @Override
  public HttpClient httpClient(Duration requestTimeout) {
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    return HttpClient.newBuilder().connectTimeout(connectTimeout).build();
  }

  @Override
  public String toString() {
    return "TestPluginContext[" + pluginId + ", configuration=" + configuration.keySet() + ", secrets=" + secrets.keySet() + "]";
  }
}
