package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import io.switchboard.runtime.http.HubRoutes;
import io.switchboard.runtime.http.PublicUrl;
import io.switchboard.runtime.http.WebhookIngress;
import io.switchboard.runtime.metrics.HubMetrics;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A GET to a webhook endpoint is a provider's verification handshake: the hub's webhook route
 * resolves the tenant, connector and settings as for a POST, answers what the connector's
 * {@code challenge} returns and stores nothing (the ingress here has no database or Kafka at all).
 */
class WebhookHandshakeIT {

  static final String VERIFY_TOKEN = "handshake-verify-token";

  /** Echoes hub.challenge when hub.verify_token is the tenant's, as Meta expects. */
  static final class Handshaking implements ChannelConnector {
    final AtomicInteger parsed = new AtomicInteger();

    @Override
    public String id() {
      return "meta";
    }

    @Override
    public Set<String> endpoints() {
      return Set.of("messages");
    }

    @Override
    public void verify(WebhookRequest request, ChannelSettings settings) {}

    @Override
    public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) {
      parsed.incrementAndGet();
      return List.of();
    }

    @Override
    public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
      return WebhookResponse.ok();
    }

    @Override
    public WebhookResponse challenge(WebhookRequest request, ChannelSettings settings) throws WebhookException {
      String query = URI.create(request.url()).getQuery();
      if (!("hub.mode=subscribe&hub.verify_token=" + settings.requireSecret("verifyToken") + "&hub.challenge=1158201444")
          .equals(query)) {
        throw WebhookException.forbidden("invalid_verify_token", "hub.verify_token is not the tenant's verify token");
      }
      return new WebhookResponse(200, "text/plain", "1158201444");
    }
  }

  static final Handshaking META = new Handshaking();
  static Main main;
  static String base;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void startRoutes() throws Exception {
    Tenant acme = new Tenant("acme", "Acme", List.of("k"), Map.of(
        "meta", new ChannelSettings("acme", Map.of(), Map.of("verifyToken", VERIFY_TOKEN)),
        "test", new ChannelSettings("acme", Map.of(), Map.of())));
    // WebhookIngressIT's connector keeps the interface's default challenge: GET is refused as before.
    Map<String, ChannelConnector> connectors = Map.of("meta", META, "test", new WebhookIngressIT.AcceptAll());
    WebhookIngress ingress = new WebhookIngress(() -> TenantRegistry.of(acme),
        id -> Optional.ofNullable(connectors.get(id)), null, null, 65536);
    Readiness readiness = new Readiness();
    readiness.publish(new Readiness.Services(ingress, null, null, null, null, null, null, null, null));
    int port = HubFixture.freePort();
    main = new Main();
    main.configure().addRoutesBuilder(new HubRoutes(readiness, new PublicUrl(""), new HubMetrics()));
    Properties p = new Properties();
    p.put("camel.server.enabled", "true");
    p.put("camel.server.host", "127.0.0.1");
    p.put("camel.server.port", String.valueOf(port));
    main.setInitialProperties(p);
    main.start();
    base = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stopRoutes() {
    if (main != null) {
      main.stop();
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theRightVerifyTokenGetsTheChallengeBackAsPlainText() throws Exception {
    HttpResponse<String> r = get("/webhooks/acme/meta/messages?hub.mode=subscribe&hub.verify_token=" + VERIFY_TOKEN
        + "&hub.challenge=1158201444");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
    assertThat(r.body()).isEqualTo("1158201444");
    assertThat(META.parsed).as("a handshake is not a message").hasValue(0);
  }

  @Test
  void aWrongVerifyTokenIs403WithoutEchoingIt() throws Exception {
    HttpResponse<String> r = get("/webhooks/acme/meta/messages?hub.mode=subscribe&hub.verify_token=guessed-token"
        + "&hub.challenge=1158201444");

    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("invalid_verify_token").doesNotContain("guessed-token", "1158201444");
  }

  @Test
  void theHandshakeIsResolvedLikeAPost() throws Exception {
    assertThat(get("/webhooks/nobody/meta/messages?hub.challenge=1").statusCode()).isEqualTo(404);
    assertThat(get("/webhooks/acme/meta/nowhere?hub.challenge=1").body()).contains("unknown_endpoint");
    assertThat(get("/webhooks/acme/other/messages?hub.challenge=1").body()).contains("unknown_connector");
    HttpResponse<String> postOnly = get("/webhooks/acme/test/in");
    assertThat(postOnly.statusCode()).isEqualTo(405);
    assertThat(postOnly.body()).contains("method_not_allowed");
    HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/webhooks/acme/meta/messages"))
        .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(405);
  }
}
