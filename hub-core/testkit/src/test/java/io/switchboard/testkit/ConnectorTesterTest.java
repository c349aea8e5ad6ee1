package io.switchboard.testkit;

import static io.switchboard.testkit.ConnectorTester.form;
import static io.switchboard.testkit.ConnectorTester.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectorTesterTest {

  static final String TOKEN = "tiny-token-0123456789";

  private final ConnectorTester tiny = ConnectorTester.builder(new TinyConnector())
      .tenant("acme")
      .value("number", "+15550006000")
      .secret("token", TOKEN)
      .build();

  private static Map<String, String> fields(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void acceptedRequestReturnsTheConnectorsAnswerAndTheParsedMessages() {
    WebhookResult r = tiny.post("messages", form(tiny.url("messages"),
        fields("id", "m-1", "from", "+15551230001", "text", "hello there"), "X-Tiny-Token", TOKEN));

    assertThat(r.isAccepted()).isTrue();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.code()).isNull();
    assertThat(r.contentType()).isEqualTo("text/plain");
    assertThat(r.body()).isEqualTo("ok:1");
    InboundMessage m = r.single();
    assertThat(m.providerMessageId()).isEqualTo("m-1");
    assertThat(m.from()).isEqualTo("+15551230001");
    assertThat(m.to()).isEqualTo("+15550006000");
    assertThat(m.text()).isEqualTo("hello there");
    assertThat(r.queued()).containsExactly(m);
  }

  @Test
  void aHandshakeGetReachesChallengeAndAConnectorWithoutOneRefusesIt() {
    WebhookResult refused = tiny.challenge("messages", ConnectorTester.get(tiny.url("messages") + "?hub.challenge=42"));
    assertThat(refused.status()).isEqualTo(405);
    assertThat(refused.code()).isEqualTo("method_not_allowed");

    ChannelConnector echoing = new TinyConnector() {
      @Override
      public WebhookResponse challenge(WebhookRequest request, ChannelSettings settings) throws WebhookException {
        if (!request.url().contains("token=" + settings.requireSecret("token"))) {
          throw WebhookException.forbidden("invalid_verify_token", "wrong token");
        }
        return new WebhookResponse(200, "text/plain", "42");
      }
    };
    ConnectorTester tester = ConnectorTester.builder(echoing).secret("token", TOKEN).build();
    WebhookResult ok = tester.challenge("messages", ConnectorTester.get(tester.url("messages") + "?token=" + TOKEN));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("42");
    assertThat(ok.messages()).isEmpty();
    assertThat(tester.challenge("messages", ConnectorTester.get(tester.url("messages") + "?token=x")).status()).isEqualTo(403);
    assertThat(tester.challenge("voice", ConnectorTester.get(tester.url("voice"))).code()).isEqualTo("unknown_endpoint");
    assertThat(tester.challenge("messages", form(tester.url("messages"), fields())).status()).isEqualTo(405);
  }

  @Test
  void webhookExceptionFromVerifyBecomesItsStatusCodeAndMessage() {
    WebhookResult missing = tiny.post("messages", form(tiny.url("messages"), fields("id", "m-1")));
    assertThat(missing.status()).isEqualTo(403);
    assertThat(missing.code()).isEqualTo("missing_signature");
    assertThat(missing.message()).isEqualTo("header X-Tiny-Token is required");
    assertThat(missing.isAccepted()).isFalse();
    assertThat(missing.messages()).isEmpty();
    assertThat(missing.response()).isNull();
    assertThat(missing.contentType()).isEqualTo("application/json");
    assertThat(missing.body()).isEqualTo("{\"code\":\"missing_signature\",\"message\":\"header X-Tiny-Token is required\"}");

    WebhookResult wrong = tiny.post("messages", form(tiny.url("messages"), fields("id", "m-1"), "X-Tiny-Token", "nope"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.code()).isEqualTo("invalid_signature");
  }

  @Test
  void webhookExceptionFromParseBecomesA400() {
    WebhookResult r = tiny.post("messages", form(tiny.url("messages"), fields("from", "+1555"), "X-Tiny-Token", TOKEN));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("missing_field");
    assertThat(r.message()).isEqualTo("required field id is missing");
  }

  @Test
  void verifiesBeforeParsingAndAcknowledgesLast() {
    List<String> calls = new ArrayList<>();
    ChannelConnector recording = new Delegating(new TinyConnector()) {
      @Override
      public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
        calls.add("verify");
        super.verify(request, settings);
      }

      @Override
      public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) throws WebhookException {
        calls.add("parse");
        return super.parse(request, settings);
      }

      @Override
      public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
        calls.add("acknowledge");
        return super.acknowledge(request, accepted);
      }
    };
    ConnectorTester t = ConnectorTester.of(recording, tiny.settings());

    t.post("messages", form(t.url("messages"), fields("id", "m-1"), "X-Tiny-Token", TOKEN));
    assertThat(calls).containsExactly("verify", "parse", "acknowledge");

    // An unsigned request with a broken body is refused for its signature: parse never sees it.
    calls.clear();
    WebhookResult r = t.post("messages", form(t.url("messages"), fields("from", "x")));
    assertThat(r.code()).isEqualTo("missing_signature");
    assertThat(calls).containsExactly("verify");
  }

  @Test
  void hubChecksComeFirst() {
    WebhookRequest ok = form(tiny.url("messages"), fields("id", "m-1"), "X-Tiny-Token", TOKEN);

    WebhookResult unknown = tiny.post("voice", ok);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.code()).isEqualTo("unknown_endpoint");
    assertThat(unknown.message()).contains("'voice'", "[messages]");

    WebhookRequest get = new WebhookRequest("GET", ok.url(), ok.headers(), ok.body());
    assertThat(tiny.post("messages", get).status()).isEqualTo(405);
    assertThat(tiny.post("messages", get).code()).isEqualTo("method_not_allowed");

    ConnectorTester small = ConnectorTester.builder(new TinyConnector()).secret("token", TOKEN).maxBodyBytes(8).build();
    WebhookResult big = small.post("messages", form(small.url("messages"), fields("id", "m-1", "text", "nine byte"),
        "X-Tiny-Token", TOKEN));
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.code()).isEqualTo("payload_too_large");
  }

  @Test
  void missingTenantSecretIsTheHubsMisconfigurationNotTheProviders() {
    ConnectorTester noSecret = ConnectorTester.builder(new TinyConnector()).tenant("acme").build();
    WebhookResult r = noSecret.post("messages", form(noSecret.url("messages"), fields("id", "m-1"), "X-Tiny-Token", TOKEN));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.code()).isEqualTo("channel_misconfigured");
    assertThat(r.message()).isEqualTo("tenant 'acme' has no secret 'token' configured");
  }

  @Test
  void aRetriedMessageIsAcknowledgedAgainButQueuedOnce() {
    WebhookRequest request = form(tiny.url("messages"), fields("id", "m-7"), "X-Tiny-Token", TOKEN);
    WebhookResult first = tiny.post("messages", request);
    WebhookResult retry = tiny.post("messages", request);

    assertThat(first.queued()).hasSize(1);
    assertThat(retry.isAccepted()).isTrue();
    assertThat(retry.messages()).hasSize(1);
    assertThat(retry.queued()).isEmpty();
    assertThat(retry.body()).isEqualTo(first.body());

    tiny.forgetAccepted();
    assertThat(tiny.post("messages", request).queued()).hasSize(1);
  }

  @Test
  void simulateBuildsTheProvidersRequestAndPostsIt() {
    assertThat(tiny.url("messages")).isEqualTo("http://localhost:8080/webhooks/acme/tiny/messages");

    WebhookResult r = tiny.simulate("messages", "+15551230001", "simulated hello");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.single().text()).isEqualTo("simulated hello");

    // The same message signed for another tenant's token is refused.
    WebhookRequest request = tiny.simulatedRequest(new SimulatedMessage("messages", tiny.url("messages"), "+1555", null, "x"));
    Map<String, String> forged = new LinkedHashMap<>(request.headers());
    forged.put("X-Tiny-Token", "other-tenant-token");
    assertThat(tiny.post("messages", new WebhookRequest("POST", request.url(), forged, request.body())).code())
        .isEqualTo("invalid_signature");
  }

  @Test
  void formAndJsonBuildWhatProvidersSend() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("Body", "Café 1+1=2 ok");
    f.put("MediaUrl", List.of("a", "b"));
    WebhookRequest r = form("https://hub.example.com/x", f, "X-Sig", "abc");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("Body=Caf%C3%A9+1%2B1%3D2+ok&MediaUrl=a&MediaUrl=b");
    assertThat(r.mediaType()).isEqualTo("application/x-www-form-urlencoded");
    assertThat(r.header("x-sig")).isEqualTo("abc");
    assertThat(r.method()).isEqualTo("POST");

    WebhookRequest j = json("https://hub.example.com/x", "{\"a\":1}");
    assertThat(j.mediaType()).isEqualTo("application/json");
    assertThat(new String(j.body(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");

    assertThatThrownBy(() -> json("u", "{}", "X-Only-A-Name"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pairs");
  }

  @Test
  void contractViolationsFailLoudly() {
    ChannelConnector serverError = new Delegating(new TinyConnector()) {
      @Override
      public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
        throw new WebhookException(503, "busy", "try later");
      }
    };
    WebhookRequest ok = form(tiny.url("messages"), fields("id", "m-1"), "X-Tiny-Token", TOKEN);
    assertThatThrownBy(() -> ConnectorTester.of(serverError, tiny.settings()).post("messages", ok))
        .isInstanceOf(ContractViolation.class).hasMessageContaining("status 503").hasMessageContaining("4xx");

    ChannelConnector leaky = new Delegating(new TinyConnector()) {
      @Override
      public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
        throw WebhookException.forbidden("invalid_signature", "expected " + settings.requireSecret("token"));
      }
    };
    assertThatThrownBy(() -> ConnectorTester.of(leaky, tiny.settings()).post("messages", ok))
        .isInstanceOf(ContractViolation.class).hasMessageContaining("leaks the tenant's secret 'token'")
        .hasMessageNotContaining(TOKEN);

    ChannelConnector nullParse = new Delegating(new TinyConnector()) {
      @Override
      public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) {
        return null;
      }
    };
    assertThatThrownBy(() -> ConnectorTester.of(nullParse, tiny.settings()).post("messages", ok))
        .isInstanceOf(ContractViolation.class).hasMessageContaining("parse returned null");

    ChannelConnector badAck = new Delegating(new TinyConnector()) {
      @Override
      public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
        return new WebhookResponse(400, "text/plain", "no");
      }
    };
    assertThatThrownBy(() -> ConnectorTester.of(badAck, tiny.settings()).post("messages", ok))
        .isInstanceOf(ContractViolation.class).hasMessageContaining("acknowledge answered status 400");
  }

  @Test
  void unexpectedExceptionsPropagateWithTheirStackTrace() {
    ChannelConnector buggy = new Delegating(new TinyConnector()) {
      @Override
      public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) {
        throw new NullPointerException("bug in parse");
      }
    };
    WebhookRequest ok = form(tiny.url("messages"), fields("id", "m-1"), "X-Tiny-Token", TOKEN);
    assertThatThrownBy(() -> ConnectorTester.of(buggy, tiny.settings()).post("messages", ok))
        .isInstanceOf(NullPointerException.class).hasMessage("bug in parse");
  }

  /** Forwards everything to a connector; tests override one method to misbehave or record. */
  static class Delegating implements ChannelConnector {
    private final ChannelConnector delegate;

    Delegating(ChannelConnector delegate) {
      this.delegate = delegate;
    }

    @Override
    public String id() {
      return delegate.id();
    }

    @Override
    public Set<String> endpoints() {
      return delegate.endpoints();
    }

    @Override
    public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
      delegate.verify(request, settings);
    }

    @Override
    public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) throws WebhookException {
      return delegate.parse(request, settings);
    }

    @Override
    public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
      return delegate.acknowledge(request, accepted);
    }
  }
}
