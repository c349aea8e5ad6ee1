package io.switchboard.runtime.workflow.builtin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.switchboard.api.Step;
import io.switchboard.pluginloader.StepConfigException;
import io.switchboard.runtime.tenant.Tenant;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code notify.webhook}: posts the interaction with its signals, as JSON, to a URL of the tenant's,
 * signed with one of the tenant's secrets (HMAC-SHA256 over the timestamp and body, header
 * {@code X-Switchboard-Signature: t=<unix seconds>,v1=<hex>}). Delivered after the interaction is
 * stored, retried with backoff until the receiver answers 2xx.
 */
public final class WebhookStep implements BuiltinSteps.Builtin<WebhookStep.Config> {

  /**
   * @param url where to post; https, or http for local receivers
   * @param secret the name of the tenant secret ({@code secrets.<name>}) to sign with
   * @param event the event name sent in the body's {@code type}
   */
  record Config(
      @JsonProperty(value = "url", required = true) @JsonPropertyDescription("Where to post (https, or http for local receivers)")
      String url,
      @JsonProperty(value = "secret", required = true) @JsonPropertyDescription("The name of the tenant secret to sign with")
      String secret,
      @JsonProperty("event") @JsonPropertyDescription("The event name in the body's 'type'; default interaction.notified")
      String event) {}

  @Override
  public String name() {
    return "notify.webhook";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Step create(Config config, Tenant tenant) {
    URI uri = signedWebhook(name(), "", config.url(), config.secret(), tenant);
    String event = config.event() == null ? "interaction.notified" : config.event();
    return execution -> {
      var i = execution.interaction();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("type", event);
      body.put("tenant", i.tenantId());
      body.put("interactionId", i.id().toString());
      body.put("contactId", i.contactId() == null ? null : i.contactId().toString());
      body.put("conversationId", i.conversationId() == null ? null : i.conversationId().toString());
      body.put("channel", i.channel());
      body.put("from", i.from());
      body.put("text", i.text());
      body.put("signals", execution.signals());
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("url", uri.toString());
      // the secret's name, never its value: the action is stored
      payload.put("secret", config.secret());
      payload.put("body", body);
      execution.requestAction("webhook", payload);
    };
  }

  /**
   * Checks a signed webhook's target as a step declares it: an http(s) URL and the name of one of
   * the tenant's secrets; {@code field} prefixes the fields in the error (e.g. {@code alerts[0].}).
   *
   * @return the URL
   * @throws StepConfigException naming the field
   */
  public static URI signedWebhook(String step, String field, String url, String secret, Tenant tenant) {
    URI uri;
    try {
      uri = URI.create(url == null ? "" : url);
    } catch (IllegalArgumentException e) {
      throw new StepConfigException(step, field + "url", "is not a URL: " + e.getMessage(), e);
    }
    if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new StepConfigException(step, field + "url", "must be an http(s) URL such as https://example.com/hooks/switchboard", null);
    }
    if (secret == null || tenant.secret(secret).isEmpty()) {
      throw new StepConfigException(step, field + "secret", "'" + secret + "' is not one of the tenant's secrets"
          + (tenant.secretNames().isEmpty() ? "; declare it under 'secrets'" : " " + tenant.secretNames()), null);
    }
    return uri;
  }
}
