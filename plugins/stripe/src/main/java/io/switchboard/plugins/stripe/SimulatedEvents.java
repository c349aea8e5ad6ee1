package io.switchboard.plugins.stripe;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.stripe.Stripe;
import com.stripe.net.Webhook;
import io.switchboard.api.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Events shaped like the ones Stripe posts (the fields of its API reference, trimmed to what a
 * reader of the event needs), signed as Stripe signs them, for {@code switchboard simulate}.
 */
final class SimulatedEvents {

  static final String DEFAULT_TYPE = "invoice.payment_failed";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private SimulatedEvents() {}

  /**
   * The JSON of an event of {@code type} about customer {@code customerId} (a made-up one when
   * null) with e-mail address {@code email} (none when null).
   *
   * @throws IllegalArgumentException for a type the connector does not turn into a contact update
   */
  static String event(String type, String customerId, String email) {
    if (!BillingEvents.HANDLED.contains(type)) {
      throw new IllegalArgumentException("cannot simulate Stripe event type '" + type + "'; give one of "
          + new TreeSet<>(BillingEvents.HANDLED));
    }
    String customer = customerId == null || customerId.isBlank() ? "cus_" + id(14) : customerId.strip();
    String mail = email == null || email.isBlank() ? null : email.strip();
    long now = Webhook.Util.getTimeNow();
    JsonObject object = switch (type) {
      case "customer.created", "customer.updated", "customer.deleted" -> customer(customer, mail, now);
      case "invoice.paid", "invoice.payment_failed" -> invoice(customer, mail, now, type.equals("invoice.paid"));
      case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted" ->
          subscription(customer, now, type.endsWith("deleted") ? "canceled" : "active");
      case "checkout.session.completed" -> checkout(customer, mail, now);
      case "charge.succeeded", "charge.refunded" -> charge(customer, mail, now, type.equals("charge.refunded"));
      case "charge.dispute.created" -> dispute(mail, now);
      default -> throw new IllegalStateException("no simulation of " + type);
    };
    JsonObject event = new JsonObject();
    event.addProperty("id", "evt_" + id(24));
    event.addProperty("object", "event");
    event.addProperty("api_version", Stripe.API_VERSION);
    event.addProperty("created", now);
    JsonObject data = new JsonObject();
    data.add("object", object);
    event.add("data", data);
    event.addProperty("livemode", false);
    event.addProperty("pending_webhooks", 1);
    JsonObject request = new JsonObject();
    request.add("id", JsonNull.INSTANCE);
    request.add("idempotency_key", JsonNull.INSTANCE);
    event.add("request", request);
    event.addProperty("type", type);
    return event.toString();
  }

  /** The POST Stripe makes: JSON, its user agent, {@code Stripe-Signature: t=<ts>,v1=<hmac>} keyed with the secret. */
  static WebhookRequest signed(String url, String body, String secret, long timestamp) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "application/json; charset=utf-8");
    headers.put("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)");
    headers.put(StripeConnector.SIGNATURE_HEADER, signature(body, secret, timestamp));
    return new WebhookRequest("POST", url, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Stripe's scheme: {@code t=<timestamp>,v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}. */
  static String signature(String body, String secret, long timestamp) {
    try {
      return "t=" + timestamp + ",v1=" + Webhook.Util.computeHmacSha256(secret, timestamp + "." + body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  private static JsonObject customer(String id, String email, long now) {
    JsonObject c = object(id, "customer", now);
    c.add("email", nullable(email));
    c.addProperty("name", "Switchboard Simulator");
    c.add("phone", JsonNull.INSTANCE);
    c.addProperty("currency", "usd");
    c.addProperty("delinquent", false);
    c.add("metadata", new JsonObject());
    return c;
  }

  private static JsonObject invoice(String customer, String email, long now, boolean paid) {
    JsonObject i = object("in_" + id(24), "invoice", now);
    i.addProperty("customer", customer);
    i.add("customer_email", nullable(email));
    i.addProperty("currency", "usd");
    i.addProperty("amount_due", 4900);
    i.addProperty("amount_paid", paid ? 4900 : 0);
    i.addProperty("amount_remaining", paid ? 0 : 4900);
    i.addProperty("attempt_count", paid ? 1 : 2);
    i.addProperty("attempted", true);
    i.addProperty("billing_reason", "subscription_cycle");
    i.addProperty("collection_method", "charge_automatically");
    i.addProperty("status", paid ? "paid" : "open");
    JsonObject transitions = new JsonObject();
    transitions.addProperty("finalized_at", now - 3600);
    if (paid) {
      transitions.addProperty("paid_at", now);
    } else {
      transitions.add("paid_at", JsonNull.INSTANCE);
      i.addProperty("next_payment_attempt", now + 3 * 86400);
    }
    i.add("status_transitions", transitions);
    return i;
  }

  private static JsonObject subscription(String customer, long now, String status) {
    JsonObject s = object("sub_" + id(24), "subscription", now);
    s.addProperty("customer", customer);
    s.addProperty("currency", "usd");
    s.addProperty("status", status);
    s.addProperty("cancel_at_period_end", false);
    JsonObject price = object("price_" + id(24), "price", now);
    price.addProperty("active", true);
    price.addProperty("currency", "usd");
    price.addProperty("nickname", "Pro monthly");
    price.addProperty("lookup_key", "pro_monthly");
    price.addProperty("product", "prod_" + id(14));
    price.addProperty("type", "recurring");
    price.addProperty("unit_amount", 4900);
    price.addProperty("unit_amount_decimal", "4900");
    JsonObject recurring = new JsonObject();
    recurring.addProperty("interval", "month");
    recurring.addProperty("interval_count", 1);
    recurring.addProperty("usage_type", "licensed");
    price.add("recurring", recurring);
    JsonObject item = object("si_" + id(14), "subscription_item", now);
    item.add("price", price);
    item.addProperty("quantity", 1);
    item.addProperty("subscription", s.get("id").getAsString());
    JsonArray data = new JsonArray();
    data.add(item);
    JsonObject items = new JsonObject();
    items.addProperty("object", "list");
    items.add("data", data);
    items.addProperty("has_more", false);
    items.addProperty("url", "/v1/subscription_items?subscription=" + s.get("id").getAsString());
    s.add("items", items);
    return s;
  }

  private static JsonObject checkout(String customer, String email, long now) {
    JsonObject s = object("cs_test_" + id(40), "checkout.session", now);
    s.addProperty("customer", customer);
    JsonObject details = new JsonObject();
    details.add("email", nullable(email));
    details.addProperty("name", "Switchboard Simulator");
    s.add("customer_details", details);
    s.addProperty("mode", "subscription");
    s.addProperty("payment_status", "paid");
    s.addProperty("status", "complete");
    s.addProperty("currency", "usd");
    s.addProperty("amount_total", 4900);
    s.addProperty("subscription", "sub_" + id(24));
    return s;
  }

  private static JsonObject charge(String customer, String email, long now, boolean refunded) {
    JsonObject c = object("ch_" + id(24), "charge", now);
    c.addProperty("customer", customer);
    c.addProperty("amount", 4900);
    c.addProperty("amount_captured", 4900);
    c.addProperty("amount_refunded", refunded ? 4900 : 0);
    c.addProperty("refunded", refunded);
    c.addProperty("currency", "usd");
    c.addProperty("paid", true);
    c.addProperty("status", "succeeded");
    c.add("receipt_email", nullable(email));
    JsonObject billing = new JsonObject();
    billing.add("email", nullable(email));
    c.add("billing_details", billing);
    return c;
  }

  private static JsonObject dispute(String email, long now) {
    JsonObject d = object("dp_" + id(24), "dispute", now);
    d.addProperty("amount", 4900);
    d.addProperty("charge", "ch_" + id(24));
    d.addProperty("currency", "usd");
    d.addProperty("reason", "fraudulent");
    d.addProperty("status", "needs_response");
    JsonObject evidence = new JsonObject();
    evidence.add("customer_email_address", nullable(email));
    d.add("evidence", evidence);
    return d;
  }

  private static JsonObject object(String id, String type, long created) {
    JsonObject o = new JsonObject();
    o.addProperty("id", id);
    o.addProperty("object", type);
    o.addProperty("created", created);
    o.addProperty("livemode", false);
    return o;
  }

  private static JsonElement nullable(String value) {
    return value == null ? JsonNull.INSTANCE : new JsonPrimitive(value);
  }

  private static String id(int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }
}
