package io.switchboard.runtime.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.api.PluginContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hub's metrics, in one Micrometer registry scraped at {@code GET /metrics} in the Prometheus
 * text format: webhook answers, pipeline throughput, dead letters, JVM figures, and what plugins
 * record through {@link PluginContext#metrics()} (tagged with their plugin id). Thread-safe.
 */
public final class HubMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  public HubMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  /** One webhook answered: {@code switchboard_webhook_requests_total{tenant,connector,status}}. */
  public void webhook(String tenant, String connector, int status) {
    Counter.builder("switchboard.webhook.requests").description("Webhook requests answered, by HTTP status")
        .tags("tenant", tenant, "connector", connector, "status", String.valueOf(status))
        .register(registry).increment();
  }

  /** Interactions the pipeline stored and events it published in one committed batch. */
  public void pipelineBatch(int records, int events) {
    registry.counter("switchboard.pipeline.records").increment(records);
    registry.counter("switchboard.pipeline.events.published").increment(events);
  }

  /** The metrics a plugin records, tagged {@code plugin=<id>}. */
  public PluginContext.Metrics forPlugin(String pluginId) {
    return new PluginContext.Metrics() {
      @Override
      public void count(String name, double amount, Map<String, String> tags) {
        registry.counter(name, tags(pluginId, tags)).increment(amount);
      }

      @Override
      public void time(String name, Duration duration, Map<String, String> tags) {
        registry.timer(name, tags(pluginId, tags)).record(duration);
      }
    };
  }

  private static Tags tags(String pluginId, Map<String, String> tags) {
    List<Tag> list = new ArrayList<>(tags.size() + 1);
    tags.forEach((k, v) -> list.add(Tag.of(k, v)));
    list.add(Tag.of("plugin", pluginId));
    return Tags.of(list);
  }

  /** Everything, in the Prometheus text exposition format. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
