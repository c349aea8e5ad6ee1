package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestPluginContextTest {

  @Test
  void servesConfigurationSecretsAndLoggers() {
    TestPluginContext context = new TestPluginContext("acme-crm", Map.of("region", "eu"), Map.of())
        .config("baseUrl", "http://localhost:9")
        .secret("apiKey", "k-123");

    assertThat(context.pluginId()).isEqualTo("acme-crm");
    assertThat(context.configuration()).containsOnly(Map.entry("region", "eu"), Map.entry("baseUrl", "http://localhost:9"));
    assertThat(context.secret("apiKey")).contains("k-123");
    assertThat(context.secret("other")).isEmpty();
    assertThat(context.logger(TestPluginContextTest.class)).isNotNull();
    assertThat(context.toString()).doesNotContain("k-123");
  }

  @Test
  void metricsAreReadBackByNameAndTags() {
    TestPluginContext context = new TestPluginContext("p");
    context.metrics().count("calls", 1, Map.of("outcome", "ok"));
    context.metrics().count("calls", 2, Map.of("outcome", "ok"));
    context.metrics().count("calls", 1, Map.of("outcome", "error"));
    context.metrics().time("latency", Duration.ofMillis(12), null);

    assertThat(context.metrics().counter("calls")).isEqualTo(4.0);
    assertThat(context.metrics().counter("calls", Map.of("outcome", "ok"))).isEqualTo(3.0);
    assertThat(context.metrics().counter("missing")).isZero();
    assertThat(context.metrics().timings("latency")).containsExactly(Duration.ofMillis(12));
    assertThat(context.metrics().timings("latency", Map.of())).containsExactly(Duration.ofMillis(12));

    context.metrics().reset();
    assertThat(context.metrics().counter("calls")).isZero();
  }

  @Test
  void httpClientsHaveTheConnectTimeout() {
    TestPluginContext context = new TestPluginContext("p").connectTimeout(Duration.ofMillis(750));
    assertThat(context.httpClient(Duration.ofSeconds(2)).connectTimeout()).contains(Duration.ofMillis(750));
  }
}
