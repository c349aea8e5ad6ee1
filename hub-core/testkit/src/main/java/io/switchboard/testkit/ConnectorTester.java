package io.switchboard.testkit;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import io.switchboard.pluginloader.PluginCalls;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Posts webhook requests through a {@link ChannelConnector} for one tenant's settings, the way the
 * hub's webhook ingress does, and returns what the hub would answer.
 *
 * <p>For each {@link #post} the hub's order is kept: method and endpoint checks, the body-size
 * limit, {@link ChannelConnector#verify}, {@link ChannelConnector#parse}, deduplication on the
 * provider message id, then {@link ChannelConnector#acknowledge} (also for duplicates). A
 * {@link WebhookException} becomes its status, code and message; an {@link IllegalStateException}
 * (a setting or secret the tenant lacks) becomes {@code 500 channel_misconfigured}. Any other
 * exception is a connector bug: the hub answers {@code 500 internal_error}, the tester rethrows it
 * so that the test shows its stack trace. Breaches of the API's contract throw
 * {@link ContractViolation}.
 *
 * <p>As in the hub, the connector's class loader is the thread's context class loader while its
 * code runs. Thread-safe: tests may post concurrently, as providers do.
 */
public final class ConnectorTester {

  /** The hub's default {@code switchboard.webhooks.max-body-bytes}. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  /** The public URL the hub assumes when {@code switchboard.public-url} is not set. */
  public static final String DEFAULT_PUBLIC_URL = "http://localhost:8080";

  /** Secrets shorter than this are not looked for in answers: a short value matches by chance. */
  static final int MIN_CHECKED_SECRET_LENGTH = 8;

  private static final String FORM = "application/x-www-form-urlencoded";

  private final ChannelConnector connector;
  private final ChannelSettings settings;
  private final String publicUrl;
  private final int maxBodyBytes;
  private final Set<String> accepted = ConcurrentHashMap.newKeySet();

  private ConnectorTester(ChannelConnector connector, ChannelSettings settings, String publicUrl, int maxBodyBytes) {
    this.connector = Objects.requireNonNull(connector, "connector");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    this.maxBodyBytes = maxBodyBytes;
    if (connector.id() == null || connector.id().isBlank()) {
      throw new ContractViolation(connector.getClass().getName() + ".id() must return a non-blank id");
    }
    if (connector.endpoints() == null || connector.endpoints().isEmpty()) {
      throw new ContractViolation("connector '" + connector.id() + "' must serve at least one endpoint");
    }
  }

  /** A tester for the connector with the given tenant settings and the hub's defaults. */
  public static ConnectorTester of(ChannelConnector connector, ChannelSettings settings) {
    return new ConnectorTester(connector, settings, DEFAULT_PUBLIC_URL, DEFAULT_MAX_BODY_BYTES);
  }

  /** Starts a tester whose tenant settings are built value by value (tenant {@code test} by default). */
  public static Builder builder(ChannelConnector connector) {
    return new Builder(connector);
  }

  public ChannelConnector connector() {
    return connector;
  }

  public ChannelSettings settings() {
    return settings;
  }

  /**
   * The public URL the hub serves an endpoint at, {@code <public-url>/webhooks/<tenant>/<connector>/<endpoint>}:
   * the URL providers call and sign.
   */
  public String url(String endpoint) {
    return publicUrl + "/webhooks/" + settings.tenantId() + "/" + connector.id() + "/" + endpoint;
  }

  /**
   * Handles one request to an endpoint as the hub would.
   *
   * @throws ContractViolation when the connector breaks the API's contract
   * @throws RuntimeException whatever unexpected exception the connector threw (the hub's 500)
   */
  public WebhookResult post(String endpoint, WebhookRequest request) {
    WebhookResult misaddressed = misaddressed(endpoint, request, "POST", "webhooks accept POST only");
    if (misaddressed != null) {
      return misaddressed;
    }
    if (request.body().length > maxBodyBytes) {
      return WebhookResult.refused(413, "payload_too_large",
          "the body is " + request.body().length + " bytes; webhooks accept at most " + maxBodyBytes);
    }
    List<InboundMessage> messages;
    try {
      messages = PluginCalls.verifyAndParse(connector, request, settings);
    } catch (WebhookException e) {
      return refusal(e);
    } catch (IllegalStateException e) {
      return misconfigured(e);
    }
    if (messages == null) {
      throw new ContractViolation("connector '" + connector.id() + "'.parse returned null; return an empty list "
          + "for requests that carry no message");
    }
    List<InboundMessage> queued = new ArrayList<>(messages.size());
    for (InboundMessage m : messages) {
      if (m == null) {
        throw new ContractViolation("connector '" + connector.id() + "'.parse returned a null message");
      }
      if (accepted.add(m.providerMessageId())) {
        queued.add(m);
      }
    }
    WebhookResponse response = PluginCalls.call(connector, () -> connector.acknowledge(request, messages, settings));
    checkAnswer("acknowledge", response, "refuse bad requests in verify or parse");
    return WebhookResult.accepted(response, messages, queued);
  }

  /**
   * Handles a GET to an endpoint as the hub would: a provider's verification handshake, answered
   * by {@link ChannelConnector#challenge} with the tenant's settings. Nothing is parsed or queued.
   *
   * @throws ContractViolation when the connector breaks the API's contract
   */
  public WebhookResult challenge(String endpoint, WebhookRequest request) {
    WebhookResult misaddressed = misaddressed(endpoint, request, "GET", "a verification handshake is a GET");
    if (misaddressed != null) {
      return misaddressed;
    }
    WebhookResponse response;
    try {
      response = PluginCalls.call(connector, () -> connector.challenge(request, settings));
    } catch (WebhookException e) {
      return refusal(e);
    } catch (IllegalStateException e) {
      return misconfigured(e);
    }
    checkAnswer("challenge", response, "refuse a wrong handshake with a WebhookException");
    return WebhookResult.accepted(response, List.of(), List.of());
  }

  /** The hub's refusal of a request with the wrong method or to an unknown endpoint; null when it is neither. */
  private WebhookResult misaddressed(String endpoint, WebhookRequest request, String method, String methodMessage) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(request, "request");
    if (!method.equals(request.method())) {
      return WebhookResult.refused(405, "method_not_allowed", methodMessage);
    }
    if (!connector.endpoints().contains(endpoint)) {
      return WebhookResult.refused(404, "unknown_endpoint",
          "connector '" + connector.id() + "' has no endpoint '" + endpoint + "'; it serves " + connector.endpoints());
    }
    return null;
  }

  /** The hub's answer to a connector's refusal, once it is checked against the API's contract. */
  private WebhookResult refusal(WebhookException e) {
    if (e.status() < 400 || e.status() > 499) {
      throw new ContractViolation("connector '" + connector.id() + "' refused with status " + e.status()
          + " (" + e.code() + "); a WebhookException must carry a 4xx status", e);
    }
    if (e.code() == null || e.code().isBlank()) {
      throw new ContractViolation("connector '" + connector.id() + "' refused with status " + e.status()
          + " but no code; give every WebhookException a stable code such as invalid_signature", e);
    }
    checkNoSecret("the message of WebhookException " + e.code(), e.getMessage());
    return WebhookResult.refused(e.status(), e.code(), e.getMessage());
  }

  /** The hub answers this as its own misconfiguration (a tenant without a needed secret). */
  private WebhookResult misconfigured(IllegalStateException e) {
    checkNoSecret("the message of an IllegalStateException", e.getMessage());
    return WebhookResult.refused(500, "channel_misconfigured", e.getMessage());
  }

  /** A connector's answer (from acknowledge or challenge) must be a 2xx with a body and no secret. */
  private void checkAnswer(String method, WebhookResponse response, String hint) {
    if (response == null) {
      throw new ContractViolation("connector '" + connector.id() + "'." + method + " returned null");
    }
    if (response.status() < 200 || response.status() > 299) {
      throw new ContractViolation("connector '" + connector.id() + "'." + method + " answered status "
          + response.status() + "; answers are 2xx (" + hint + ")");
    }
    if (response.body() == null) {
      throw new ContractViolation("connector '" + connector.id() + "'." + method + " answered a null body; use \"\"");
    }
    checkNoSecret("the " + method + " body", response.body());
  }

  /**
   * Builds the provider's request for a test message with {@link ChannelConnector#simulate} and posts
   * it: the round trip {@code switchboard simulate} makes against a running hub.
   */
  public WebhookResult simulate(SimulatedMessage message) {
    return post(message.endpoint(), simulatedRequest(message));
  }

  /** {@link #simulate(SimulatedMessage)} to this tenant's URL of the endpoint, to the tenant's default address. */
  public WebhookResult simulate(String endpoint, String from, String text) {
    return simulate(new SimulatedMessage(endpoint, url(endpoint), from, null, text));
  }

  /** The request {@link ChannelConnector#simulate} builds, without posting it (to tamper with it first). */
  public WebhookRequest simulatedRequest(SimulatedMessage message) {
    Objects.requireNonNull(message.endpoint(), "the simulated message needs an endpoint");
    WebhookRequest request = PluginCalls.call(connector, () -> connector.simulate(message, settings));
    if (request == null) {
      throw new ContractViolation("connector '" + connector.id() + "'.simulate returned null");
    }
    return request;
  }

  /** Forgets the provider message ids accepted so far, as if the hub's dedupe store were empty. */
  public void forgetAccepted() {
    accepted.clear();
  }

  /**
   * A form post ({@code application/x-www-form-urlencoded}) with the fields in map order, encoded
   * as browsers and most providers do ('+' for spaces, UTF-8 escapes). A value that is a
   * {@link java.util.Collection} becomes a repeated field.
   *
   * @param headers extra headers as name, value pairs
   */
  public static WebhookRequest form(String url, Map<String, ?> fields, String... headers) {
    StringBuilder body = new StringBuilder();
    for (Map.Entry<String, ?> field : fields.entrySet()) {
      Iterable<?> values = field.getValue() instanceof java.util.Collection<?> c ? c : List.of(String.valueOf(field.getValue()));
      for (Object value : values) {
        if (body.length() > 0) {
          body.append('&');
        }
        body.append(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)).append('=')
            .append(URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
      }
    }
    return raw(url, FORM, body.toString(), headers);
  }

  /**
   * A JSON post ({@code application/json}) of the body as given.
   *
   * @param headers extra headers as name, value pairs
   */
  public static WebhookRequest json(String url, String body, String... headers) {
    return raw(url, "application/json", body, headers);
  }

  /**
   * A GET, as a provider's verification handshake sends it: the parameters are in the URL's query
   * string, there is no body.
   *
   * @param headers headers as name, value pairs
   */
  public static WebhookRequest get(String url, String... headers) {
    WebhookRequest r = raw(url, null, null, headers);
    return new WebhookRequest("GET", r.url(), r.headers(), r.body());
  }

  /**
   * A POST with any content type (null for none) and a UTF-8 body.
   *
   * @param headers extra headers as name, value pairs; they override Content-Type when they name it
   */
  public static WebhookRequest raw(String url, String contentType, String body, String... headers) {
    if (headers.length % 2 != 0) {
      throw new IllegalArgumentException("headers come in name, value pairs; got " + headers.length + " strings");
    }
    Map<String, String> h = new LinkedHashMap<>();
    if (contentType != null) {
      h.put("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], headers[i + 1]);
    }
    return new WebhookRequest("POST", url, h, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
  }

  /** The API forbids secrets in answers: look for each of the tenant's secret values. */
  private void checkNoSecret(String where, String text) {
    if (text == null) {
      return;
    }
    for (Map.Entry<String, String> secret : settings.secrets().entrySet()) {
      String value = secret.getValue();
      if (value != null && value.length() >= MIN_CHECKED_SECRET_LENGTH && text.contains(value)) {
        throw new ContractViolation("connector '" + connector.id() + "' leaks the tenant's secret '"
            + secret.getKey() + "' in " + where + "; answers must never contain secrets");
      }
    }
  }

  /** Builds the tenant's {@link ChannelSettings} for a {@link ConnectorTester}. */
  public static final class Builder {

    private final ChannelConnector connector;
    private String tenantId = "test";
    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private String publicUrl = DEFAULT_PUBLIC_URL;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;

    private Builder(ChannelConnector connector) {
      this.connector = Objects.requireNonNull(connector, "connector");
    }

    /** The tenant id ({@code test} unless set). */
    public Builder tenant(String tenantId) {
      this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
      return this;
    }

    /** A plain setting: a string or a list of strings, as under {@code channels.<connector>} in a tenant file. */
    public Builder value(String key, Object value) {
      values.put(key, value);
      return this;
    }

    public Builder values(Map<String, ?> values) {
      this.values.putAll(values);
      return this;
    }

    /** A resolved secret, as under {@code channels.<connector>.secrets}. */
    public Builder secret(String key, String value) {
      secrets.put(key, value);
      return this;
    }

    public Builder secrets(Map<String, String> secrets) {
      this.secrets.putAll(secrets);
      return this;
    }

    /** The hub's {@code switchboard.public-url}, the base of {@link ConnectorTester#url}. */
    public Builder publicUrl(String publicUrl) {
      this.publicUrl = Objects.requireNonNull(publicUrl, "publicUrl");
      return this;
    }

    /** The hub's {@code switchboard.webhooks.max-body-bytes}. */
    public Builder maxBodyBytes(int maxBodyBytes) {
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    public ConnectorTester build() {
      return new ConnectorTester(connector, new ChannelSettings(tenantId, values, secrets), publicUrl, maxBodyBytes);
    }
  }
}
