package io.switchboard.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HubMetricsTest {

  @Test
  void pluginMetricsAreTaggedWithThePluginAndScrapedAsPrometheusText() {
    try (HubMetrics metrics = new HubMetrics()) {
      metrics.forPlugin("crm-hubspot").count("crm.tasks.opened", 2, Map.of("tenant", "acme"));
      metrics.forPlugin("crm-hubspot").time("crm.call", Duration.ofMillis(40), Map.of());
      metrics.webhook("acme", "twilio", 200);

      String text = metrics.scrape();

      assertThat(text).contains("crm_tasks_opened_total{plugin=\"crm-hubspot\",tenant=\"acme\"} 2.0");
      assertThat(text).contains("crm_call_seconds_count{plugin=\"crm-hubspot\"} 1");
      assertThat(text).contains("switchboard_webhook_requests_total{connector=\"twilio\",status=\"200\",tenant=\"acme\"} 1.0");
    }
  }
}
