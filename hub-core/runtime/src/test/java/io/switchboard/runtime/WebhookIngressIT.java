package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.http.ApiError;
import io.switchboard.runtime.http.WebhookIngress;
import io.switchboard.runtime.spine.Spine;
import io.switchboard.runtime.store.Database;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With Kafka down, a webhook is answered 503 with Retry-After and leaves nothing behind. */
class WebhookIngressIT {

  @TempDir
  Path dir;

  /** Accepts anything: this test is about the ingress, not about signatures. */
  static final class AcceptAll implements ChannelConnector {
    @Override
    public String id() {
      return "test";
    }

    @Override
    public Set<String> endpoints() {
      return Set.of("in");
    }

    @Override
    public void verify(WebhookRequest request, ChannelSettings settings) {}

    @Override
    public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) {
      return List.of(new InboundMessage("sms", "MSG-1", "+15551230001", "+15550006000",
          new String(request.body(), StandardCharsets.UTF_8), List.of(), null, Map.of()));
    }

    @Override
    public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
      return WebhookResponse.ok();
    }
  }

  @Test
  void kafkaDownMeans503WithRetryAfterAndNoDedupeMark() throws Exception {
    SwitchboardConfig config = SwitchboardConfig.load(dir, null, Map.of(), new Properties());
    try (Database db = new Database(config);
        // nothing listens on port 1: metadata never arrives
        Spine spine = new Spine("127.0.0.1:1", Duration.ofMillis(1000))) {
      db.start();
      Tenant t = new Tenant("demo", "Demo", List.of("k"), Map.of("test", new ChannelSettings("demo", Map.of(), Map.of())));
      WebhookIngress ingress = new WebhookIngress(() -> TenantRegistry.of(t), id -> Optional.of(new AcceptAll()),
          db.dataSource(), spine, 65536);
      WebhookRequest req = new WebhookRequest("POST", "http://localhost/webhooks/demo/test/in", Map.of(), "hello".getBytes());

      ApiError e = catchThrowableOfType(ApiError.class, () -> ingress.handle("demo", "test", "in", req, "c1"));

      assertThat(e.status()).isEqualTo(503);
      assertThat(e.code()).isEqualTo("spine_unavailable");
      assertThat(e.retryAfterSeconds()).isEqualTo(5);
      try (Connection c = db.dataSource().getConnection();
          ResultSet rs = c.createStatement().executeQuery("select count(*) from processed_provider_ids")) {
        rs.next();
        assertThat(rs.getLong(1)).as("a refused message must not be marked as processed").isZero();
      }
    }
  }
}
