package io.switchboard.plugins.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.checkout.SessionCreateParams;
import io.switchboard.api.ActionPerformer;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.PluginContext;
import io.switchboard.api.WebhookException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * The {@code stripe.customer} and {@code stripe.checkout} actions: a customer created or updated,
 * a Checkout Session created, each with the tenant's own secret {@code apiKey} on a
 * {@link StripeClient} built for the call (never stripe-java's JVM-wide {@code Stripe.apiKey}, which
 * would let one tenant's request go out with another's key) and the hub's idempotency key as
 * Stripe's {@code Idempotency-Key}, so that the hub's retries create one object.
 */
@Extension
public class StripeActions implements ActionPerformer {

  static final String CUSTOMER = "stripe.customer";
  static final String CHECKOUT = "stripe.checkout";
  static final String API_KEY = "apiKey";
  /** Hub-wide plugin setting {@code switchboard.plugins.stripe.api-base-url}, for a test double of the API. */
  static final String API_BASE_URL = "api-base-url";
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final Logger log;
  private final PluginContext.Metrics metrics;
  private final String apiBase;

  /** The hub passes the plugin's context to a public constructor that takes one. */
  public StripeActions(PluginContext context) {
    this.log = context.logger(StripeActions.class);
    this.metrics = context.metrics();
    String base = context.configuration().get(API_BASE_URL);
    this.apiBase = base == null || base.isBlank() ? null : base.strip();
  }

  @Override
  public Set<String> types() {
    return Set.of(CUSTOMER, CHECKOUT);
  }

  @Override
  public String connector() {
    return StripeConnector.ID;
  }

  /**
   * @return {@code stripe.customer}: {@code customerId}, {@code email}; {@code stripe.checkout}:
   *     {@code sessionId}, {@code url}, {@code customerId} (when the session has one)
   * @throws IllegalArgumentException when the payload lacks what the action needs (not retried)
   * @throws IllegalStateException when the tenant has no {@code apiKey} (not retried)
   */
  @Override
  public Map<String, Object> perform(String type, Map<String, Object> payload, String idempotencyKey,
      ChannelSettings settings) throws WebhookException {
    String apiKey = settings.requireSecret(API_KEY);
    StripeClient client = client(apiKey);
    RequestOptions options = RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    Map<String, Object> result;
    try {
      result = switch (type) {
        case CUSTOMER -> customer(client, payload, options);
        case CHECKOUT -> checkout(client, payload, options);
        default -> throw new IllegalArgumentException("action type '" + type + "' is not one of " + types());
      };
    } catch (StripeException e) {
      metrics.count("stripe.actions.failed", 1, Map.of("tenant", settings.tenantId(), "type", type));
      throw refused(type, e, apiKey);
    }
    metrics.count("stripe.actions.performed", 1, Map.of("tenant", settings.tenantId(), "type", type));
    log.debug("Performed {} for tenant {}: {}", type, settings.tenantId(), result);
    return result;
  }

  /** A client for this call only: the tenant's key, no retries of its own (the hub retries, with the same key). */
  StripeClient client(String apiKey) {
    StripeClient.StripeClientBuilder b = new StripeClient.StripeClientBuilder()
        .setApiKey(apiKey)
        .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis())
        .setReadTimeout((int) READ_TIMEOUT.toMillis())
        .setMaxNetworkRetries(0);
    if (apiBase != null) {
      b.setApiBase(apiBase);
    }
    return b.build();
  }

  /** Updates {@code customerId} when given, else creates a customer; email, name, phone, description, metadata. */
  private static Map<String, Object> customer(StripeClient client, Map<String, Object> p, RequestOptions options)
      throws StripeException {
    String id = text(p, "customerId");
    Map<String, String> metadata = metadata(p);
    Customer c;
    if (id != null) {
      CustomerUpdateParams.Builder b = CustomerUpdateParams.builder().putAllMetadata(metadata);
      ifPresent(p, "email", b::setEmail);
      ifPresent(p, "name", b::setName);
      ifPresent(p, "phone", b::setPhone);
      ifPresent(p, "description", b::setDescription);
      c = client.v1().customers().update(id, b.build(), options);
    } else {
      if (text(p, "email") == null && text(p, "name") == null && text(p, "phone") == null) {
        throw new IllegalArgumentException(CUSTOMER + " needs a customerId to update, or an email, name or phone to create");
      }
      CustomerCreateParams.Builder b = CustomerCreateParams.builder().putAllMetadata(metadata);
      ifPresent(p, "email", b::setEmail);
      ifPresent(p, "name", b::setName);
      ifPresent(p, "phone", b::setPhone);
      ifPresent(p, "description", b::setDescription);
      c = client.v1().customers().create(b.build(), options);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("customerId", c.getId());
    if (c.getEmail() != null) {
      out.put("email", c.getEmail());
    }
    return out;
  }

  /** A Checkout Session for one price: mode (default subscription), quantity (default 1), the URLs, customer or email. */
  private static Map<String, Object> checkout(StripeClient client, Map<String, Object> p, RequestOptions options)
      throws StripeException {
    String price = require(p, "price", "a price id (price_...)");
    String successUrl = require(p, "successUrl", "the URL Stripe sends the customer to after paying");
    String modeName = text(p, "mode") == null ? "subscription" : text(p, "mode").toLowerCase(Locale.ROOT);
    SessionCreateParams.Mode mode = switch (modeName) {
      case "subscription" -> SessionCreateParams.Mode.SUBSCRIPTION;
      case "payment" -> SessionCreateParams.Mode.PAYMENT;
      case "setup" -> SessionCreateParams.Mode.SETUP;
      default -> throw new IllegalArgumentException(CHECKOUT + ": mode must be subscription, payment or setup, not '"
          + modeName + "'");
    };
    long quantity = quantity(p.get("quantity"));
    SessionCreateParams.Builder b = SessionCreateParams.builder()
        .setMode(mode)
        .setSuccessUrl(successUrl)
        .addLineItem(SessionCreateParams.LineItem.builder().setPrice(price).setQuantity(quantity).build())
        .putAllMetadata(metadata(p));
    ifPresent(p, "cancelUrl", b::setCancelUrl);
    ifPresent(p, "clientReferenceId", b::setClientReferenceId);
    if (text(p, "customer") != null) {
      b.setCustomer(text(p, "customer"));
    } else {
      ifPresent(p, "email", b::setCustomerEmail);
    }
    Session s = client.v1().checkout().sessions().create(b.build(), options);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sessionId", s.getId());
    if (s.getUrl() != null) {
      out.put("url", s.getUrl());
    }
    if (s.getCustomer() != null) {
      out.put("customerId", s.getCustomer());
    }
    return out;
  }

  /**
   * Stripe's refusal as the hub's: its HTTP status (a connection failure is 503), code
   * {@code stripe_<Stripe's code>} and Stripe's message with its request id, the key masked should
   * Stripe ever echo it. The dispatcher retries 408, 429 and 5xx and gives up on other 4xx.
   */
  static WebhookException refused(String type, StripeException e, String apiKey) {
    int status = e instanceof ApiConnectionException || e.getStatusCode() == null ? 503 : e.getStatusCode();
    String code = e instanceof ApiConnectionException ? "stripe_unreachable"
        : "stripe_" + (e.getCode() == null ? "error_" + status : e.getCode());
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (apiKey != null && !apiKey.isEmpty()) {
      message = message.replace(apiKey, "[apiKey]");
    }
    return new WebhookException(status, code, "Stripe refused " + type + " (HTTP " + status + "): " + message);
  }

  private static long quantity(Object q) {
    if (q == null) {
      return 1;
    }
    try {
      long n = q instanceof Number number ? number.longValue() : Long.parseLong(String.valueOf(q).strip());
      if (n < 1) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(CHECKOUT + ": quantity must be a whole number of at least 1, not '" + q + "'");
    }
  }

  private static Map<String, String> metadata(Map<String, Object> p) {
    Object m = p.get("metadata");
    if (m == null) {
      return Map.of();
    }
    if (!(m instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException("metadata must be an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    return out;
  }

  private static String require(Map<String, Object> p, String key, String what) {
    String v = text(p, key);
    if (v == null) {
      throw new IllegalArgumentException(CHECKOUT + " needs '" + key + "': " + what);
    }
    return v;
  }

  private static void ifPresent(Map<String, Object> p, String key, java.util.function.Consumer<String> set) {
    String v = text(p, key);
    if (v != null) {
      set.accept(v);
    }
  }

  private static String text(Map<String, Object> p, String key) {
    Object v = p.get(key);
    return v == null || String.valueOf(v).isBlank() ? null : String.valueOf(v).strip();
  }
}
