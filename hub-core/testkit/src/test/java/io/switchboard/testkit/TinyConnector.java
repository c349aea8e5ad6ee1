package io.switchboard.testkit;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.FormData;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * A provider that signs with a shared token in {@code X-Tiny-Token} and posts form fields
 * {@code id}, {@code from}, {@code text}. PluginArchiveTest packs its class file into a plugin zip.
 */
@Extension
public class TinyConnector implements ChannelConnector {

  @Override
  public String id() {
    return "tiny";
  }

  @Override
  public Set<String> endpoints() {
    return Set.of("messages");
  }

  @Override
  public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    String token = settings.requireSecret("token");
    String sent = request.header("X-Tiny-Token");
    if (sent == null) {
      throw WebhookException.forbidden("missing_signature", "header X-Tiny-Token is required");
    }
    if (!sent.equals(token)) {
      throw WebhookException.forbidden("invalid_signature", "X-Tiny-Token does not match the tenant's token");
    }
  }

  @Override
  public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    Map<String, List<String>> form = request.form();
    String id = FormData.first(form, "id");
    if (id == null) {
      throw WebhookException.badRequest("missing_field", "required field id is missing");
    }
    return List.of(new InboundMessage("tiny", id, java.util.Objects.requireNonNullElse(FormData.first(form, "from"), "+15550000000"), settings.value("number").orElse(null),
        FormData.first(form, "text"), null, null, null));
  }

  @Override
  public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
    return new WebhookResponse(200, "text/plain", "ok:" + accepted.size());
  }

  @Override
  public WebhookRequest simulate(SimulatedMessage message, ChannelSettings settings) {
    // Only JDK and API classes: PluginArchiveTest runs this from a plugin zip that has nothing else.
    String body = "id=sim-" + Math.abs(message.text().hashCode()) + "&from=" + enc(message.from()) + "&text=" + enc(message.text());
    return new WebhookRequest("POST", message.url(), Map.of("Content-Type", "application/x-www-form-urlencoded",
        "X-Tiny-Token", settings.requireSecret("token")), body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
