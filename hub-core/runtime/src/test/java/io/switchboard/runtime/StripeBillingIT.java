package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Hmac;
import io.switchboard.runtime.util.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stripe's webhooks into the real hub, with the stripe plugin archive as it ships: events signed
 * as Stripe signs them (here by the hub's own HMAC, independently of stripe-java) become the
 * contact's billing attributes, which the health score then reads; a redelivery is stored once,
 * and a request the hub refuses (unknown tenant, bad signature, malformed body) stores nothing.
 */
class StripeBillingIT {

  @TempDir
  static Path dir;
  static HubFixture hub;

  static final String KEY = "sb_bill_key";
  static final String SECRET = "whsec_bill_it_7f3a9c1e5b";
  static final String TOKEN = "bill-twilio-token";
  static final String NUMBER = "+15550008000";
  static final String PHONE = "+15551238001";

  @BeforeAll
  static void start() throws Exception {
    hub = HubFixture.prepare(dir);
    Path stripe = Path.of(System.getProperty("switchboard.it.optional-plugins", "target/it-optional-plugins"))
        .resolve("switchboard-plugin-stripe.zip");
    Files.copy(stripe, hub.home.resolve("plugins/stripe.zip"));
    Files.writeString(hub.home.resolve("config/tenants/bill.yaml"), """
        id: bill
        apiKeys: [%s]
        channels:
          stripe:
            secrets:
              webhookSecret: %s
              apiKey: sk_test_bill_unused
          twilio:
            phoneNumbers: ["%s"]
            secrets: {authToken: %s}
        workflow:
          steps:
            - step: score.health
        """.formatted(KEY, SECRET, NUMBER, TOKEN));
    hub.start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  static String event(String id, String type, String object) {
    return """
        {"id": "%s", "object": "event", "api_version": "2024-06-20", "created": %d,
         "data": {"object": %s}, "livemode": false, "pending_webhooks": 1,
         "request": {"id": null, "idempotency_key": null}, "type": "%s"}""".formatted(id, Instant.now().getEpochSecond(), object, type);
  }

  static HttpResponse<String> post(String tenant, String body, String secret) throws Exception {
    long t = Instant.now().getEpochSecond();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest request = HttpRequest.newBuilder(URI.create(hub.base() + "/webhooks/" + tenant + "/stripe/events"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json; charset=utf-8")
        .header("Stripe-Signature", "t=" + t + ",v1=" + Hmac.sha256Hex(secret, t, bytes))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
    return hub.http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static long count(String sql, Object... args) {
    try {
      return hub.count(sql, args);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static long updates(String sourceEventId) {
    return count("select count(*) from events where tenant_id = 'bill' and type = 'contact.updated'"
        + " and payload->>'sourceEventId' = ?", sourceEventId);
  }

  static JsonNode billing(String address) throws Exception {
    try (Connection c = hub.hub.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("select attributes::text from contacts where tenant_id = 'bill' and phone = ?")) {
      ps.setString(1, address);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a contact " + address).isTrue();
        return Json.MAPPER.readTree(rs.getString(1)).path("billing");
      }
    }
  }

  @Test
  void eventsBecomeTheContactsBillingStateOnceEach() throws Exception {
    String customer = """
        {"id": "cus_BILL1", "object": "customer", "email": "Pat.Doe@example.com", "name": "Pat Doe", "phone": null,
         "created": 1733140799, "livemode": false, "metadata": {}}""";
    HttpResponse<String> created = post("bill", event("evt_bill_cus1", "customer.created", customer), SECRET);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    assertThat(created.body()).isEqualTo("{\"received\":true}");
    // the customer id is stored before an event that names only the id is sent (they may take other partitions)
    HubFixture.await("the customer", () -> updates("evt_bill_cus1") == 1);

    String subscription = """
        {"id": "sub_BILL1", "object": "subscription", "customer": "cus_BILL1", "currency": "usd", "status": "active",
         "items": {"object": "list", "has_more": false, "url": "/v1/subscription_items?subscription=sub_BILL1", "data": [
           {"id": "si_BILL1", "object": "subscription_item", "quantity": 2, "subscription": "sub_BILL1",
            "price": {"id": "price_BILL1", "object": "price", "currency": "usd", "nickname": "Growth", "product": "prod_BILL1",
                      "type": "recurring", "unit_amount": 120000, "recurring": {"interval": "year", "interval_count": 1}}}]}}""";
    String failed = event("evt_bill_inv1", "invoice.payment_failed", """
        {"id": "in_BILL1", "object": "invoice", "customer": "cus_BILL1", "customer_email": null, "attempt_count": 2,
         "amount_due": 20000, "currency": "usd", "status": "open"}""");
    assertThat(post("bill", event("evt_bill_sub1", "customer.subscription.created", subscription), SECRET).statusCode()).isEqualTo(200);
    assertThat(post("bill", failed, SECRET).statusCode()).isEqualTo(200);
    // Stripe redelivers the same event (signed afresh): answered alike, stored once
    HttpResponse<String> again = post("bill", failed, SECRET);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo("{\"received\":true}");
    // an event type that says nothing about billing state is accepted and dropped
    assertThat(post("bill", event("evt_bill_pi1", "payment_intent.created",
        "{\"id\": \"pi_BILL1\", \"object\": \"payment_intent\", \"amount\": 100, \"currency\": \"usd\"}"), SECRET).statusCode())
        .isEqualTo(200);
    HubFixture.await("the subscription and the failed payment", () -> updates("evt_bill_sub1") == 1 && updates("evt_bill_inv1") == 1);

    JsonNode billing = billing("pat.doe@example.com");
    assertThat(billing.path("customerId").asText()).isEqualTo("cus_BILL1");
    assertThat(billing.path("email").asText()).isEqualTo("Pat.Doe@example.com");
    assertThat(billing.path("plan").asText()).isEqualTo("Growth");
    assertThat(billing.path("mrr").asText()).as("2 × $1,200 a year").isEqualTo("200.00");
    assertThat(billing.path("currency").asText()).isEqualTo("usd");
    assertThat(billing.path("status").asText()).isEqualTo("past_due");
    assertThat(billing.path("failedPayments").asText()).isEqualTo("2");
    assertThat(billing.has("phone")).as("an empty value removes the field").isFalse();
    assertThat(count("select count(*) from processed_provider_ids where tenant_id = 'bill' and connector = 'stripe'"
        + " and provider_id = 'evt_bill_inv1'")).isEqualTo(1);
    assertThat(count("select count(*) from contacts where tenant_id = 'bill' and attributes #>> '{billing,customerId}' = 'cus_BILL1'"))
        .isEqualTo(1);

    // paid again: the failures are cleared
    assertThat(post("bill", event("evt_bill_inv2", "invoice.paid", """
        {"id": "in_BILL2", "object": "invoice", "customer": "cus_BILL1", "customer_email": "pat.doe@example.com",
         "attempt_count": 3, "amount_paid": 20000, "currency": "usd", "status": "paid",
         "status_transitions": {"paid_at": 1735905800}}"""), SECRET).statusCode()).isEqualTo(200);
    HubFixture.await("the payment", () -> updates("evt_bill_inv2") == 1);
    billing = billing("pat.doe@example.com");
    assertThat(billing.path("status").asText()).isEqualTo("active");
    assertThat(billing.path("failedPayments").asText()).isEqualTo("0");
    assertThat(billing.path("lastPaymentAt").asText()).isEqualTo(Instant.ofEpochSecond(1735905800L).toString());
    assertThat(updates("evt_bill_inv1")).as("the redelivery recorded no second event").isEqualTo(1);
  }

  @Test
  void refusedRequestsStoreNothing() throws Exception {
    String body = event("evt_bill_refused", "invoice.paid", """
        {"id": "in_X", "object": "invoice", "customer": "cus_X", "customer_email": "refused@example.com", "status": "paid"}""");

    HttpResponse<String> unknown = post("no-such-tenant", body, SECRET);
    assertThat(unknown.statusCode()).isEqualTo(404);

    HttpResponse<String> forged = post("bill", body, "whsec_not_the_tenants");
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("invalid_signature").contains("webhookSecret").doesNotContain(SECRET);

    HttpResponse<String> unsigned = hub.http.send(HttpRequest.newBuilder(URI.create(hub.base() + "/webhooks/bill/stripe/events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(unsigned.body()).contains("missing_signature");

    HttpResponse<String> malformed = post("bill", "{\"id\": \"evt_bill_broken\", \"type\": ", SECRET);
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).contains("malformed_json");

    // a correctly signed event after them is stored, so the refused ones would have been by now
    assertThat(post("bill", event("evt_bill_after", "customer.created", """
        {"id": "cus_AFTER", "object": "customer", "email": "after@example.com", "livemode": false}"""), SECRET).statusCode())
        .isEqualTo(200);
    HubFixture.await("the event after the refused ones", () -> updates("evt_bill_after") == 1);
    assertThat(count("select count(*) from processed_provider_ids where provider_id in ('evt_bill_refused', 'evt_bill_broken')"))
        .isZero();
    assertThat(count("select count(*) from contacts where phone = 'refused@example.com'")).isZero();
  }

  @Test
  void theHealthScoreReadsWhatStripeSaid() throws Exception {
    // a customer known by phone only, whose payments then fail
    assertThat(post("bill", event("evt_bill_cus2", "customer.created", """
        {"id": "cus_BILL2", "object": "customer", "email": null, "phone": "%s", "name": "Sam Roe", "livemode": false}"""
        .formatted(PHONE)), SECRET).statusCode()).isEqualTo(200);
    HubFixture.await("the customer", () -> updates("evt_bill_cus2") == 1);
    assertThat(post("bill", event("evt_bill_inv3", "invoice.payment_failed", """
        {"id": "in_BILL3", "object": "invoice", "customer": "cus_BILL2", "attempt_count": 3, "status": "open"}"""), SECRET)
        .statusCode()).isEqualTo(200);
    HubFixture.await("the failed payment", () -> updates("evt_bill_inv3") == 1);

    String sid = HubIT.newSid();
    assertThat(hub.postTwilio("/webhooks/bill/twilio/sms", TwilioSigner.inboundSms(sid, PHONE, NUMBER, "hello"), TOKEN)
        .statusCode()).isEqualTo(200);
    JsonNode health = HubIT.awaitInteractionOn(hub, KEY, "bill", sid).path("signals").path("scores").path("health");
    assertThat(health.path("factors").toString()).contains("\"name\":\"payment\"").contains("past_due, 3 failed");
  }
}
