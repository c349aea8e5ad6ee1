package io.switchboard.plugins.stripe;

import com.google.gson.JsonParseException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.PluginContext;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * Stripe's webhooks, served at {@code /webhooks/{tenant}/stripe/events}: every POST is verified
 * with stripe-java ({@code Webhook.constructEvent}, the tenant's signing secret, 300 s tolerance)
 * and each handled event becomes one contact update with the billing facts it states
 * ({@link BillingEvents}); the hub deduplicates on the event id. Other event types are answered
 * 200 and dropped, so that Stripe does not retry them.
 *
 * <p>Tenants configure it as:
 *
 * <pre>
 * channels:
 *   stripe:
 *     secrets:
 *       webhookSecret: ${env:ACME_STRIPE_WEBHOOK_SECRET}   # whsec_..., the endpoint's signing secret
 *       apiKey: ${env:ACME_STRIPE_API_KEY}                 # sk_... or rk_..., for the actions
 * </pre>
 */
@Extension
public class StripeConnector implements ChannelConnector {

  static final String ID = "stripe";
  static final String EVENTS = "events";
  static final String SIGNATURE_HEADER = "Stripe-Signature";
  static final String WEBHOOK_SECRET = "webhookSecret";
  /** Stripe's own default: a signature older than this is a replay (or a badly wrong clock). */
  static final long TOLERANCE_SECONDS = 300;
  static final String JSON = "application/json";
  static final String RECEIVED = "{\"received\":true}";

  private final Logger log;
  private final PluginContext.Metrics metrics;

  /** The hub passes the plugin's context to a public constructor that takes one. */
  public StripeConnector(PluginContext context) {
    this.log = context.logger(StripeConnector.class);
    this.metrics = context.metrics();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<String> endpoints() {
    return Set.of(EVENTS);
  }

  /**
   * {@code Webhook.constructEvent} with the tenant's {@code webhookSecret}: 401 when the header is
   * missing or malformed, does not match the body, or is older than 300 s; 400 when the verified
   * body is not a Stripe event. A tenant without the secret is the hub's misconfiguration (500).
   */
  @Override
  public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    String secret = settings.requireSecret(WEBHOOK_SECRET);
    String header = request.header(SIGNATURE_HEADER);
    if (header == null || header.isBlank()) {
      throw new WebhookException(401, "missing_signature", "header " + SIGNATURE_HEADER + " is required;"
          + " Stripe sends it on every webhook (t=<unix seconds>,v1=<hex HMAC-SHA256>)");
    }
    try {
      Webhook.constructEvent(payload(request), header, secret, TOLERANCE_SECONDS);
    } catch (SignatureVerificationException e) {
      log.debug("Stripe webhook for tenant {} refused: {}", settings.tenantId(), e.getMessage());
      throw refusal(e);
    } catch (NumberFormatException e) {
      // stripe-java parses t= as a number before it checks anything else
      throw new WebhookException(401, "invalid_signature", SIGNATURE_HEADER + "'s t must be the signing time in unix"
          + " seconds: t=<unix seconds>,v1=<hex HMAC-SHA256 of t.body>");
    } catch (JsonParseException | IllegalArgumentException e) {
      throw malformed(e);
    }
  }

  /** Stripe's reasons (stripe-java's messages) as the hub's codes, each saying what to fix; never the header or secret. */
  private static WebhookException refusal(SignatureVerificationException e) {
    String reason = e.getMessage() == null ? "" : e.getMessage();
    if (reason.contains("tolerance")) {
      return new WebhookException(401, "expired_signature", SIGNATURE_HEADER + "'s timestamp t is more than "
          + TOLERANCE_SECONDS + " s old: a replayed delivery, or the sender's or the hub's clock is wrong");
    }
    if (reason.startsWith("Unable to extract") || reason.contains("expected scheme")) {
      return new WebhookException(401, "invalid_signature", SIGNATURE_HEADER
          + " must be t=<unix seconds>,v1=<hex HMAC-SHA256 of t.body>; it has no timestamp or no v1 signature");
    }
    return new WebhookException(401, "invalid_signature", SIGNATURE_HEADER + " does not match the body: it must be"
        + " signed with this endpoint's signing secret (Developers > Webhooks > the endpoint > Signing secret,"
        + " whsec_...), configured as the tenant's secret " + WEBHOOK_SECRET + ", over the raw, unmodified body");
  }

  /** Gson's own message may quote the body; only stripe-java's (a v2 event notification) is passed on. */
  private static WebhookException malformed(RuntimeException e) {
    return WebhookException.badRequest("malformed_json", "the body is not a Stripe event as JSON"
        + (e instanceof IllegalArgumentException && e.getMessage() != null ? ": " + e.getMessage() : ""));
  }

  @Override
  public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    if (!JSON.equals(request.mediaType())) {
      throw WebhookException.badRequest("unsupported_media_type", "expected Content-Type " + JSON + ", got "
          + (request.mediaType().isEmpty() ? "none" : "'" + request.mediaType() + "'"));
    }
    String payload = payload(request);
    if (payload.isBlank()) {
      throw WebhookException.badRequest("malformed_json", "the body is empty; expected a Stripe event");
    }
    Event event;
    try {
      event = Webhook.constructEventWithoutVerification(payload);
    } catch (JsonParseException | IllegalArgumentException | IllegalStateException | ClassCastException e) {
      throw malformed(e);
    }
    if (event == null) {
      throw WebhookException.badRequest("malformed_json", "the body is not a JSON object");
    }
    Optional<InboundMessage> message = BillingEvents.message(event);
    String type = BillingEvents.HANDLED.contains(event.getType()) ? event.getType() : "other";
    metrics.count("stripe.events.parsed", 1, Map.of("tenant", settings.tenantId(), "type", type));
    if (message.isEmpty()) {
      log.debug("Stripe event {} ({}) for tenant {} carries no contact update", event.getId(), event.getType(),
          settings.tenantId());
    }
    return message.map(List::of).orElse(List.of());
  }

  /** Stripe only needs a 2xx, quickly; this is the body its docs show. */
  @Override
  public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
    return new WebhookResponse(200, JSON, RECEIVED);
  }

  /**
   * A Stripe event as Stripe would post it, signed with the tenant's {@code webhookSecret}: the
   * message's text is the event type (default {@code invoice.payment_failed}), {@code from} the
   * customer id (cus_...), {@code to} an optional e-mail address of the customer.
   */
  @Override
  public WebhookRequest simulate(SimulatedMessage message, ChannelSettings settings) {
    if (message.endpoint() != null && !EVENTS.equals(message.endpoint())) {
      throw new IllegalArgumentException("connector '" + ID + "' has no endpoint '" + message.endpoint()
          + "'; it serves: " + EVENTS);
    }
    if (message.url() == null) {
      throw new IllegalArgumentException("a simulated Stripe event needs the endpoint's url");
    }
    String secret = settings.requireSecret(WEBHOOK_SECRET);
    String type = message.text() == null || message.text().isBlank() ? SimulatedEvents.DEFAULT_TYPE : message.text().strip();
    String body = SimulatedEvents.event(type, message.from(), message.to());
    return SimulatedEvents.signed(message.url(), body, secret, Webhook.Util.getTimeNow());
  }

  private static String payload(WebhookRequest request) {
    return new String(request.body(), StandardCharsets.UTF_8);
  }
}
