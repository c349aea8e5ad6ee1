package io.switchboard.plugins.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.net.Webhook;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookRequest;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.TestPluginContext;
import io.switchboard.testkit.WebhookResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stripe's webhooks through the connector as the hub runs it: signatures made with stripe-java's
 * own HMAC, and each handled event type, from Stripe-shaped fixtures, as the billing fields it sets.
 */
class StripeConnectorTest {

  static final String SECRET = "whsec_test_5a7e1b9c2d4f6a8b0c1d3e5f7a9b";
  static final String API_KEY = "sk_test_51AcmeSecretKeyForTests000";

  final TestPluginContext context = new TestPluginContext("stripe");
  final ConnectorTester tester = ConnectorTester.builder(new StripeConnector(context))
      .tenant("acme")
      .secret("webhookSecret", SECRET)
      .secret("apiKey", API_KEY)
      .build();

  static String fixture(String type) {
    try (InputStream in = StripeConnectorTest.class.getResourceAsStream("/events/" + type + ".json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("no fixture " + type, e);
    }
  }

  /** The header Stripe sends, computed with stripe-java's HMAC: t=<ts>,v1=<hex>. */
  static String sign(String body, String secret, long timestamp) throws Exception {
    return "t=" + timestamp + ",v1=" + Webhook.Util.computeHmacSha256(secret, timestamp + "." + body);
  }

  WebhookRequest request(String body, String signature) {
    return signature == null ? ConnectorTester.json(tester.url("events"), body)
        : ConnectorTester.json(tester.url("events"), body, "Stripe-Signature", signature);
  }

  WebhookResult post(String body) throws Exception {
    return tester.post("events", request(body, sign(body, SECRET, Webhook.Util.getTimeNow())));
  }

  InboundMessage single(String type) throws Exception {
    WebhookResult r = post(fixture(type));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"received\":true}");
    InboundMessage m = r.single();
    assertThat(m.kind()).isEqualTo(InboundMessage.Kind.CONTACT_UPDATE);
    assertThat(m.channel()).isEqualTo("stripe");
    return m;
  }

  // --- signatures

  @Test
  void aSignedEventIsAcceptedAndARedeliveryIsQueuedOnce() throws Exception {
    String body = fixture("invoice.paid");
    WebhookResult first = post(body);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.queued()).hasSize(1);
    // Stripe retries with a fresh signature: the same event id, queued once, answered the same
    WebhookResult again = post(body);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(again.queued()).isEmpty();
  }

  @Test
  void aMissingSignatureIs401() {
    WebhookResult r = tester.post("events", request(fixture("invoice.paid"), null));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("missing_signature");
    assertThat(r.message()).contains("Stripe-Signature");
    assertThat(r.queued()).isEmpty();
  }

  @Test
  void aSignatureWithAnotherSecretIs401AndSaysWhichSecretToCheck() throws Exception {
    String body = fixture("invoice.paid");
    WebhookResult r = tester.post("events", request(body, sign(body, "whsec_someone_elses_secret", Webhook.Util.getTimeNow())));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("invalid_signature");
    assertThat(r.message()).contains("webhookSecret").doesNotContain(SECRET);
    assertThat(r.queued()).isEmpty();
  }

  @Test
  void aTamperedBodyIs401() throws Exception {
    String body = fixture("invoice.paid");
    String signature = sign(body, SECRET, Webhook.Util.getTimeNow());
    WebhookResult r = tester.post("events", request(body.replace("\"attempt_count\": 1", "\"attempt_count\": 9"), signature));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("invalid_signature");
  }

  @Test
  void aSignatureOlderThanTheToleranceIs401Expired() throws Exception {
    String body = fixture("invoice.paid");
    long old = Webhook.Util.getTimeNow() - StripeConnector.TOLERANCE_SECONDS - 60;
    WebhookResult r = tester.post("events", request(body, sign(body, SECRET, old)));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("expired_signature");
    assertThat(r.message()).contains("300 s");
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "t=abc,v1=def", "t=1733140800", "v1=0123456789abcdef"})
  void aMalformedSignatureHeaderIs401(String header) {
    WebhookResult r = tester.post("events", request(fixture("invoice.paid"), header));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.code()).isEqualTo("invalid_signature");
    assertThat(r.message()).doesNotContain(header.length() > 8 ? header : "\u0000");
  }

  @Test
  void aSignedBodyThatIsNotJsonIs400() throws Exception {
    WebhookResult r = post("{not json");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("malformed_json");
  }

  @Test
  void aSignedBodyOfAnotherContentTypeIs400() throws Exception {
    String body = fixture("invoice.paid");
    WebhookRequest r = ConnectorTester.raw(tester.url("events"), "text/plain", body,
        "Stripe-Signature", sign(body, SECRET, Webhook.Util.getTimeNow()));
    WebhookResult result = tester.post("events", r);
    assertThat(result.status()).isEqualTo(400);
    assertThat(result.code()).isEqualTo("unsupported_media_type");
  }

  @Test
  void aSignedEventWithoutAnIdIs400() throws Exception {
    WebhookResult r = post("{\"object\": \"event\", \"type\": \"invoice.paid\", \"data\": {\"object\": {\"object\": \"invoice\"}}}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("missing_field");
    assertThat(r.message()).contains("'id'");
  }

  @Test
  void anEventWhoseObjectIsNotWhatItsTypeSaysIs400() throws Exception {
    String body = fixture("invoice.paid").replace("\"type\": \"invoice.paid\"", "\"type\": \"customer.created\"");
    WebhookResult r = post(body);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("unexpected_object");
  }

  @Test
  void aTenantWithoutASigningSecretIsTheHubsMisconfiguration() {
    ConnectorTester bare = ConnectorTester.builder(new StripeConnector(context)).tenant("bare").build();
    WebhookResult r = bare.post("events", ConnectorTester.json(bare.url("events"), fixture("invoice.paid"),
        "Stripe-Signature", "t=1,v1=00"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.message()).contains("webhookSecret");
  }

  // --- event types

  @Test
  void customerCreatedBindsTheCustomerToItsEmail() throws Exception {
    InboundMessage m = single("customer.created");
    assertThat(m.providerMessageId()).isEqualTo("evt_1PZcus0CreatedAcme001");
    assertThat(m.from()).isEqualTo("Dana.Reyes@example.com");
    assertThat(m.receivedAt()).isEqualTo(Instant.ofEpochSecond(1733140800L));
    assertThat(m.attributes()).containsEntry("billing.customerId", "cus_QZacme0001")
        .containsEntry("billing.email", "Dana.Reyes@example.com")
        .containsEntry("billing.name", "Dana Reyes")
        .containsEntry("billing.phone", "+14155550123");
  }

  @Test
  void customerUpdatedWithoutContactDataFindsTheContactByIdAndClearsRemovedFields() throws Exception {
    InboundMessage m = single("customer.updated");
    assertThat(m.from()).isEqualTo("@billing.customerId=cus_QZacme0001");
    assertThat(m.attributes()).containsEntry("billing.name", "Dana Reyes-Ortiz")
        .containsEntry("billing.email", "")
        .containsEntry("billing.phone", "");
  }

  @Test
  void customerDeletedCancels() throws Exception {
    InboundMessage m = single("customer.deleted");
    assertThat(m.from()).isEqualTo("@billing.customerId=cus_QZacme0001");
    assertThat(m.attributes()).isEqualTo(Map.of("billing.status", "canceled"));
  }

  @Test
  void invoicePaidResetsFailedPaymentsAndLinksTheCustomerByItsEmail() throws Exception {
    InboundMessage m = single("invoice.paid");
    assertThat(m.from()).isEqualTo("dana.reyes@example.com");
    assertThat(m.attributes()).containsEntry("billing.customerId", "cus_QZacme0001")
        .containsEntry("billing.failedPayments", "0")
        .containsEntry("billing.status", "active")
        .containsEntry("billing.lastPaymentAt", Instant.ofEpochSecond(1733227260L).toString());
  }

  @Test
  void invoicePaymentFailedCountsTheAttemptsAndFindsTheContactById() throws Exception {
    InboundMessage m = single("invoice.payment_failed");
    assertThat(m.from()).isEqualTo("@billing.customerId=cus_QZacme0001");
    assertThat(m.attributes()).containsEntry("billing.failedPayments", "3")
        .containsEntry("billing.status", "past_due")
        .containsEntry("billing.lastPaymentFailedAt", Instant.ofEpochSecond(1735905700L).toString())
        .doesNotContainKey("billing.customerId");
  }

  @Test
  void subscriptionCreatedSumsItsItemsAsMonthlyRevenue() throws Exception {
    InboundMessage m = single("customer.subscription.created");
    assertThat(m.from()).isEqualTo("@billing.customerId=cus_QZacme0001");
    // 3 seats × $49 a month + $600 a year / 12
    assertThat(m.attributes()).containsEntry("billing.mrr", "197.00")
        .containsEntry("billing.currency", "usd")
        .containsEntry("billing.plan", "Pro")
        .containsEntry("billing.status", "trialing")
        .containsEntry("billing.subscriptionId", "sub_1PZsubAcme000001");
  }

  @Test
  void subscriptionUpdatedOfTheLibrarysApiVersionNormalisesEveryOtherWeek() throws Exception {
    InboundMessage m = single("customer.subscription.updated");
    // €12 every 2 weeks = 12 × 52 / 12 / 2
    assertThat(m.attributes()).containsEntry("billing.mrr", "26.00")
        .containsEntry("billing.currency", "eur")
        .containsEntry("billing.plan", "team_weekly")
        .containsEntry("billing.status", "past_due");
  }

  @Test
  void subscriptionDeletedCancelsWithNoRevenue() throws Exception {
    InboundMessage m = single("customer.subscription.deleted");
    assertThat(m.attributes()).containsEntry("billing.status", "canceled")
        .containsEntry("billing.mrr", "0.00")
        .containsEntry("billing.plan", "Pro");
  }

  @Test
  void checkoutCompletedBindsTheNewCustomerToTheBuyersEmail() throws Exception {
    InboundMessage m = single("checkout.session.completed");
    assertThat(m.from()).isEqualTo("Lee.Chen@example.com");
    assertThat(m.attributes()).containsEntry("billing.customerId", "cus_QZacme0002")
        .containsEntry("billing.status", "active")
        .containsEntry("billing.subscriptionId", "sub_1PZsubAcme000002");
  }

  @Test
  void anUnpaidCheckoutLinksTheCustomerButIsNotActiveYet() throws Exception {
    InboundMessage m = BillingEvents.message(Webhook.constructEventWithoutVerification(
        fixture("checkout.session.completed").replace("\"payment_status\": \"paid\"", "\"payment_status\": \"unpaid\""))).orElseThrow();
    assertThat(m.attributes()).containsEntry("billing.customerId", "cus_QZacme0002").doesNotContainKey("billing.status");
  }

  @Test
  void chargeRefundedRecordsTheRefundedAmount() throws Exception {
    InboundMessage m = single("charge.refunded");
    assertThat(m.from()).isEqualTo("@billing.customerId=cus_QZacme0001");
    assertThat(m.attributes()).containsEntry("billing.refundedAmount", "24.50")
        .containsEntry("billing.refundedCurrency", "usd")
        .containsEntry("billing.lastRefundAt", Instant.ofEpochSecond(1733500000L).toString())
        .containsEntry("billing.lastChargeId", "ch_3PZchAcme0000001");
  }

  @Test
  void disputeCreatedFlagsTheContactWhoseChargeItIs() throws Exception {
    InboundMessage m = single("charge.dispute.created");
    assertThat(m.from()).isEqualTo("@billing.lastChargeId=ch_3PZchAcme0000001");
    assertThat(m.attributes()).containsEntry("billing.disputed", "true")
        .containsEntry("billing.disputeReason", "product_not_received")
        .containsEntry("billing.lastDisputeAt", Instant.ofEpochSecond(1733600000L).toString());
  }

  @Test
  void otherEventTypesAreAcknowledgedWithNoMessage() throws Exception {
    WebhookResult r = post(fixture("payment_intent.created"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"received\":true}");
    assertThat(r.messages()).isEmpty();
    assertThat(context.metrics().counter("stripe.events.parsed")).isEqualTo(1.0);
  }

  @Test
  void zeroDecimalCurrenciesAreNotDividedByAHundred() {
    assertThat(Money.major(4900, "jpy")).isEqualTo("4900");
    assertThat(Money.major(4900, "usd")).isEqualTo("49.00");
    assertThat(Money.major(4900, "kwd")).isEqualTo("4.900");
  }

  // --- simulate

  @Test
  void simulateSignsARealisticPaymentFailureThatTheConnectorAccepts() {
    WebhookResult r = tester.simulate(new SimulatedMessage("events", tester.url("events"), "cus_SIM123", null, null));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    InboundMessage m = r.single();
    assertThat(m.providerMessageId()).startsWith("evt_");
    assertThat(m.from()).isEqualTo("@billing.customerId=cus_SIM123");
    assertThat(m.attributes()).containsEntry("billing.status", "past_due").containsEntry("billing.failedPayments", "2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"customer.created", "customer.updated", "customer.deleted", "invoice.paid", "invoice.payment_failed",
      "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
      "checkout.session.completed", "charge.succeeded", "charge.refunded", "charge.dispute.created"})
  void everyHandledTypeCanBeSimulated(String type) {
    WebhookResult r = tester.simulate(new SimulatedMessage("events", tester.url("events"), "cus_SIM123", "sim@example.com", type));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.single().attributes()).isNotEmpty();
  }

  @Test
  void simulateRefusesATypeItCannotBuild() {
    assertThatThrownBy(() -> tester.simulatedRequest(new SimulatedMessage("events", tester.url("events"), "cus_1", null,
        "payout.paid"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invoice.payment_failed");
  }
}
