package io.switchboard.plugins.stripe;

import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.model.Charge;
import com.stripe.model.Customer;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.EventDataObjectDeserializer;
import com.stripe.model.Invoice;
import com.stripe.model.Price;
import com.stripe.model.StripeObject;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.checkout.Session;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A Stripe event as the billing facts it states about one contact: one
 * {@link InboundMessage#contactUpdate contact update} per handled event, keyed by the event's id
 * so that Stripe's redeliveries are stored once. The data object is read with stripe-java's models;
 * an event of another API version than the library's is read anyway ({@code deserializeUnsafe}),
 * since the few fields read here have kept their names and types across recent API versions.
 *
 * <p>The contact is addressed by e-mail when the object carries the customer's address (which also
 * links the customer id to that contact), else as {@code @billing.customerId=<cus_...>}, the id an
 * earlier event stored.
 */
final class BillingEvents {

  /** The channel of the contact updates: the hub records it as their source. */
  static final String CHANNEL = "stripe";

  static final String CUSTOMER_ID = "billing.customerId";
  static final String EMAIL = "billing.email";
  static final String NAME = "billing.name";
  static final String PHONE = "billing.phone";
  static final String STATUS = "billing.status";
  static final String FAILED_PAYMENTS = "billing.failedPayments";
  static final String LAST_PAYMENT_AT = "billing.lastPaymentAt";
  static final String LAST_PAYMENT_FAILED_AT = "billing.lastPaymentFailedAt";
  static final String PLAN = "billing.plan";
  static final String MRR = "billing.mrr";
  static final String CURRENCY = "billing.currency";
  static final String SUBSCRIPTION_ID = "billing.subscriptionId";
  static final String LAST_CHARGE_ID = "billing.lastChargeId";
  static final String LAST_REFUND_AT = "billing.lastRefundAt";
  static final String REFUNDED_AMOUNT = "billing.refundedAmount";
  static final String REFUNDED_CURRENCY = "billing.refundedCurrency";
  static final String DISPUTED = "billing.disputed";
  static final String LAST_DISPUTE_AT = "billing.lastDisputeAt";
  static final String DISPUTE_REASON = "billing.disputeReason";

  /** The event types that become contact updates; every other type is acknowledged and dropped. */
  static final Set<String> HANDLED = Set.of(
      "customer.created", "customer.updated", "customer.deleted",
      "invoice.paid", "invoice.payment_failed",
      "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
      "checkout.session.completed",
      "charge.succeeded", "charge.refunded", "charge.dispute.created");

  private BillingEvents() {}

  /**
   * The contact update an event carries.
   *
   * @return empty for an event type that is not {@link #HANDLED}, or one that names no contact
   *     (a customer created without e-mail or phone, a charge of no customer and no e-mail)
   * @throws WebhookException 400 when the event lacks its id or type, or its data object is not
   *     what its type says
   */
  static Optional<InboundMessage> message(Event event) throws WebhookException {
    if (blank(event.getId())) {
      throw WebhookException.badRequest("missing_field", "the event has no 'id' (evt_...)");
    }
    if (blank(event.getType())) {
      throw WebhookException.badRequest("missing_field", "event " + event.getId() + " has no 'type'");
    }
    if (!HANDLED.contains(event.getType())) {
      return Optional.empty();
    }
    if (event.getData() == null || event.getData().getObject() == null) {
      throw WebhookException.badRequest("missing_field", "event " + event.getId() + " has no 'data.object'");
    }
    Instant at = event.getCreated() == null ? null : Instant.ofEpochSecond(event.getCreated());
    String when = (at == null ? Instant.now() : at).toString();
    Update u = switch (event.getType()) {
      case "customer.created", "customer.updated" -> customer(object(event, Customer.class), event.getType());
      case "customer.deleted" -> Update.byCustomer(object(event, Customer.class).getId()).put(STATUS, "canceled");
      case "invoice.paid" -> invoicePaid(object(event, Invoice.class), when);
      case "invoice.payment_failed" -> invoiceFailed(object(event, Invoice.class), when);
      case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted" ->
          subscription(object(event, Subscription.class), event.getType().endsWith(".deleted"));
      case "checkout.session.completed" -> checkout(object(event, Session.class));
      case "charge.succeeded" -> charge(object(event, Charge.class));
      case "charge.refunded" -> refund(object(event, Charge.class), when);
      case "charge.dispute.created" -> dispute(object(event, Dispute.class), when);
      default -> throw new IllegalStateException("unmapped handled type " + event.getType());
    };
    String contact = u.contact();
    if (contact == null) {
      return Optional.empty();
    }
    return Optional.of(InboundMessage.contactUpdate(CHANNEL, event.getId(), contact, u.fields(), at));
  }

  private static Update customer(Customer c, String type) {
    String phone = c.getPhone() != null && c.getPhone().strip().startsWith("+") ? c.getPhone().strip() : null;
    String address = !blank(c.getEmail()) ? c.getEmail().strip() : phone;
    // an update of a customer with neither still finds the contact an earlier event linked; a new one has none
    Update u = address != null ? Update.byAddress(address)
        : "customer.updated".equals(type) ? Update.byCustomer(c.getId()) : Update.nobody();
    // every field, an empty value where the customer has none, so that a removed e-mail is removed here too
    u.put(CUSTOMER_ID, c.getId()).put(EMAIL, orEmpty(c.getEmail())).put(NAME, orEmpty(c.getName()))
        .put(PHONE, orEmpty(c.getPhone()));
    return u;
  }

  private static Update invoicePaid(Invoice inv, String when) {
    Update u = linked(inv.getCustomerEmail(), inv.getCustomer());
    u.put(FAILED_PAYMENTS, "0").put(STATUS, "active");
    Long paidAt = inv.getStatusTransitions() == null ? null : inv.getStatusTransitions().getPaidAt();
    u.put(LAST_PAYMENT_AT, paidAt == null ? when : Instant.ofEpochSecond(paidAt).toString());
    return u;
  }

  private static Update invoiceFailed(Invoice inv, String when) {
    Update u = linked(inv.getCustomerEmail(), inv.getCustomer());
    long attempts = inv.getAttemptCount() == null ? 1 : Math.max(1, inv.getAttemptCount());
    return u.put(FAILED_PAYMENTS, String.valueOf(attempts)).put(STATUS, "past_due").put(LAST_PAYMENT_FAILED_AT, when);
  }

  private static Update subscription(Subscription s, boolean deleted) throws WebhookException {
    if (blank(s.getCustomer())) {
      throw WebhookException.badRequest("missing_field", "subscription " + s.getId() + " has no 'customer'");
    }
    Update u = Update.byCustomer(s.getCustomer());
    u.put(SUBSCRIPTION_ID, s.getId()).put(STATUS, deleted ? "canceled" : orEmpty(s.getStatus()));
    String currency = s.getCurrency();
    BigDecimal mrr = BigDecimal.ZERO;
    String plan = null;
    if (s.getItems() != null && s.getItems().getData() != null) {
      for (SubscriptionItem item : s.getItems().getData()) {
        Price p = item.getPrice();
        if (p == null) {
          continue;
        }
        plan = plan != null ? plan : firstOf(p.getNickname(), p.getLookupKey(), p.getProduct(), p.getId());
        currency = currency != null ? currency : p.getCurrency();
        BigDecimal unit = p.getUnitAmount() != null ? BigDecimal.valueOf(p.getUnitAmount()) : p.getUnitAmountDecimal();
        // tiered and metered prices have no unit amount: what they are worth a month is not in the event
        if (unit == null || p.getRecurring() == null) {
          continue;
        }
        long quantity = item.getQuantity() == null ? 1 : item.getQuantity();
        long count = p.getRecurring().getIntervalCount() == null ? 1 : p.getRecurring().getIntervalCount();
        try {
          mrr = mrr.add(Money.monthly(unit.multiply(BigDecimal.valueOf(quantity)), p.getRecurring().getInterval(), count));
        } catch (IllegalArgumentException e) {
          throw WebhookException.badRequest("unsupported_interval", "subscription " + s.getId() + ": " + e.getMessage());
        }
      }
    }
    if (plan != null) {
      u.put(PLAN, plan);
    }
    u.put(MRR, Money.major(deleted ? BigDecimal.ZERO : mrr, currency));
    if (currency != null) {
      u.put(CURRENCY, currency.toLowerCase(java.util.Locale.ROOT));
    }
    return u;
  }

  private static Update checkout(Session s) {
    String email = s.getCustomerDetails() != null && !blank(s.getCustomerDetails().getEmail())
        ? s.getCustomerDetails().getEmail() : s.getCustomerEmail();
    Update u = linked(email, s.getCustomer());
    // an asynchronous payment (a bank debit) completes the session unpaid: active only once it is paid
    if (!"unpaid".equals(s.getPaymentStatus())) {
      u.put(STATUS, "active");
    }
    if (!blank(s.getSubscription())) {
      u.put(SUBSCRIPTION_ID, s.getSubscription());
    }
    return u;
  }

  private static Update charge(Charge ch) {
    return chargeContact(ch).put(LAST_CHARGE_ID, ch.getId());
  }

  private static Update refund(Charge ch, String when) {
    Update u = charge(ch).put(LAST_REFUND_AT, when);
    if (ch.getAmountRefunded() != null) {
      u.put(REFUNDED_AMOUNT, Money.major(ch.getAmountRefunded(), ch.getCurrency()));
      u.put(REFUNDED_CURRENCY, orEmpty(ch.getCurrency()));
    }
    return u;
  }

  /**
   * A dispute names its charge, not the customer: the contact is the one whose last charge it is,
   * unless the dispute's evidence already holds the customer's e-mail address.
   */
  private static Update dispute(Dispute d, String when) {
    String email = d.getEvidence() == null ? null : d.getEvidence().getCustomerEmailAddress();
    Update u = !blank(email) ? Update.byAddress(email.strip())
        : blank(d.getCharge()) ? Update.nobody() : new Update(null, LAST_CHARGE_ID, d.getCharge());
    u.put(DISPUTED, "true").put(LAST_DISPUTE_AT, when).put(DISPUTE_REASON, orEmpty(d.getReason()));
    return u;
  }

  /** A charge's contact: its customer by id; by the billing or receipt e-mail only for a guest charge. */
  private static Update chargeContact(Charge ch) {
    if (!blank(ch.getCustomer())) {
      return Update.byCustomer(ch.getCustomer());
    }
    String email = ch.getBillingDetails() != null && !blank(ch.getBillingDetails().getEmail())
        ? ch.getBillingDetails().getEmail() : ch.getReceiptEmail();
    return blank(email) ? Update.nobody() : Update.byAddress(email.strip());
  }

  /** By e-mail when there is one (storing the customer id with it), else by the stored customer id. */
  private static Update linked(String email, String customerId) {
    if (blank(email)) {
      return blank(customerId) ? Update.nobody() : Update.byCustomer(customerId);
    }
    Update u = Update.byAddress(email.strip());
    if (!blank(customerId)) {
      u.put(CUSTOMER_ID, customerId);
    }
    return u;
  }

  /** The event's data object as {@code type}, deserialised even when its API version is not the library's. */
  static <T extends StripeObject> T object(Event event, Class<T> type) throws WebhookException {
    EventDataObjectDeserializer d = event.getDataObjectDeserializer();
    StripeObject o;
    try {
      o = d.getObject().isPresent() ? d.getObject().get() : d.deserializeUnsafe();
    } catch (EventDataObjectDeserializationException e) {
      throw WebhookException.badRequest("unreadable_object", "the data.object of event " + event.getId() + " ("
          + event.getType() + ", API version " + event.getApiVersion() + ") cannot be read: " + e.getMessage()
          + "; set the webhook endpoint's API version to " + com.stripe.Stripe.API_VERSION);
    }
    if (!type.isInstance(o)) {
      throw WebhookException.badRequest("unexpected_object", "event " + event.getId() + " of type " + event.getType()
          + " must carry a " + type.getSimpleName().toLowerCase(java.util.Locale.ROOT) + " object, not "
          + (o == null ? "nothing" : o.getClass().getSimpleName()));
    }
    return type.cast(o);
  }

  private static String firstOf(String... values) {
    for (String v : values) {
      if (!blank(v)) {
        return v;
      }
    }
    return null;
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  /**
   * Who an event is about and what it says: a contact by address, or by the value an earlier
   * update stored at {@code refPath}, or no one (the event is dropped).
   */
  private record Update(String address, String refPath, String refValue, Map<String, String> fields) {

    Update(String address, String refPath, String refValue) {
      this(address, refPath, refValue, new LinkedHashMap<>());
    }

    static Update byAddress(String address) {
      return new Update(address, null, null);
    }

    static Update byCustomer(String customerId) {
      return blank(customerId) ? nobody() : new Update(null, CUSTOMER_ID, customerId);
    }

    static Update nobody() {
      return new Update(null, null, null);
    }

    Update put(String field, String value) {
      fields.put(field, value);
      return this;
    }

    /** The contact's address as {@link InboundMessage#contactUpdate} takes it; null for no one. */
    String contact() {
      return address != null ? address : refValue == null ? null : "@" + refPath + "=" + refValue;
    }
  }
}
