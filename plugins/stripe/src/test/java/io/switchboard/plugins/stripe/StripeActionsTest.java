package io.switchboard.plugins.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.WebhookException;
import io.switchboard.testkit.TestPluginContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The actions against a local stand-in for api.stripe.com speaking its wire format (form-encoded
 * POSTs, JSON objects and errors): each call carries its own tenant's key and the hub's
 * idempotency key, and Stripe's refusals become the hub's permanent or retried failures.
 */
class StripeActionsTest {

  static final String KEY_A = "sk_test_tenantA_0123456789abcdef";
  static final String KEY_B = "sk_test_tenantB_fedcba9876543210";

  record Call(String method, String path, String authorization, String idempotencyKey, Map<String, String> form) {}

  HttpServer stripe;
  final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  /** What the stub answers next instead of the object: status and Stripe's error JSON. */
  volatile int failStatus;
  volatile String failBody;
  StripeActions actions;

  @BeforeEach
  void start() throws IOException {
    stripe = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    stripe.setExecutor(Executors.newFixedThreadPool(4));
    stripe.createContext("/v1/", this::answer);
    stripe.start();
    actions = new StripeActions(new TestPluginContext("stripe")
        .config(StripeActions.API_BASE_URL, "http://127.0.0.1:" + stripe.getAddress().getPort()));
  }

  @AfterEach
  void stop() {
    stripe.stop(0);
  }

  private void answer(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Call call = new Call(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestHeaders().getFirst("Authorization"),
        ex.getRequestHeaders().getFirst("Idempotency-Key"), form(body));
    calls.add(call);
    int status = 200;
    String json;
    if (failStatus != 0) {
      status = failStatus;
      json = failBody;
    } else if (call.path().equals("/v1/customers") || call.path().startsWith("/v1/customers/")) {
      // the id says whose key created it, so that a leaked key shows in the result
      String id = call.path().equals("/v1/customers") ? "cus_" + tenantOf(call.authorization()) + "_" + calls.size()
          : call.path().substring("/v1/customers/".length());
      json = """
          {"id": "%s", "object": "customer", "email": %s, "name": %s, "livemode": false, "metadata": {}}"""
          .formatted(id, quoted(call.form().get("email")), quoted(call.form().get("name")));
    } else if (call.path().equals("/v1/checkout/sessions")) {
      json = """
          {"id": "cs_test_a1%s", "object": "checkout.session", "mode": "%s", "status": "open",
           "customer": %s, "url": "https://checkout.stripe.com/c/pay/cs_test_a1%s"}"""
          .formatted(tenantOf(call.authorization()), call.form().get("mode"), quoted(call.form().get("customer")),
              tenantOf(call.authorization()));
    } else {
      status = 404;
      json = "{\"error\": {\"type\": \"invalid_request_error\", \"message\": \"Unrecognized request URL\"}}";
    }
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.getResponseHeaders().add("Request-Id", "req_stub" + calls.size());
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private static String tenantOf(String authorization) {
    return ("Bearer " + KEY_A).equals(authorization) ? "A" : ("Bearer " + KEY_B).equals(authorization) ? "B" : "unknown";
  }

  private static String quoted(String s) {
    return s == null ? "null" : "\"" + s + "\"";
  }

  private static Map<String, String> form(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return out;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  static ChannelSettings tenant(String id, String key) {
    return new ChannelSettings(id, Map.of(), Map.of("apiKey", key, "webhookSecret", "whsec_" + id));
  }

  @Test
  void createsACustomerWithTheTenantsKeyAndTheHubsIdempotencyKey() throws Exception {
    Map<String, Object> result = actions.perform("stripe.customer", Map.of("email", "dana@example.com", "name", "Dana Reyes",
        "phone", "+14155550123", "metadata", Map.of("contactId", "c-1")), "idem-1", tenant("a", KEY_A));

    assertThat(result).containsEntry("customerId", "cus_A_1").containsEntry("email", "dana@example.com");
    Call call = calls.peek();
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.path()).isEqualTo("/v1/customers");
    assertThat(call.authorization()).isEqualTo("Bearer " + KEY_A);
    assertThat(call.idempotencyKey()).isEqualTo("idem-1");
    assertThat(call.form()).containsEntry("email", "dana@example.com").containsEntry("name", "Dana Reyes")
        .containsEntry("phone", "+14155550123").containsEntry("metadata[contactId]", "c-1");
  }

  @Test
  void updatesTheCustomerNamedByCustomerId() throws Exception {
    Map<String, Object> result = actions.perform("stripe.customer", Map.of("customerId", "cus_QZacme0001", "name", "Dana R."),
        "idem-2", tenant("a", KEY_A));
    assertThat(result).containsEntry("customerId", "cus_QZacme0001");
    assertThat(calls.peek().path()).isEqualTo("/v1/customers/cus_QZacme0001");
    assertThat(calls.peek().form()).containsEntry("name", "Dana R.").doesNotContainKey("email");
  }

  @Test
  void createsACheckoutSessionForAPrice() throws Exception {
    Map<String, Object> result = actions.perform("stripe.checkout", Map.of("price", "price_1PZproMonthly01", "quantity", 3,
        "successUrl", "https://acme.example/welcome", "cancelUrl", "https://acme.example/pricing",
        "customer", "cus_QZacme0001", "clientReferenceId", "lead-4711"), "idem-3", tenant("b", KEY_B));

    assertThat(result).containsEntry("sessionId", "cs_test_a1B")
        .containsEntry("url", "https://checkout.stripe.com/c/pay/cs_test_a1B")
        .containsEntry("customerId", "cus_QZacme0001");
    Call call = calls.peek();
    assertThat(call.path()).isEqualTo("/v1/checkout/sessions");
    assertThat(call.authorization()).isEqualTo("Bearer " + KEY_B);
    assertThat(call.idempotencyKey()).isEqualTo("idem-3");
    assertThat(call.form()).containsEntry("mode", "subscription")
        .containsEntry("line_items[0][price]", "price_1PZproMonthly01")
        .containsEntry("line_items[0][quantity]", "3")
        .containsEntry("success_url", "https://acme.example/welcome")
        .containsEntry("cancel_url", "https://acme.example/pricing")
        .containsEntry("customer", "cus_QZacme0001")
        .containsEntry("client_reference_id", "lead-4711");
  }

  @Test
  void aCheckoutWithoutACustomerPrefillsTheEmail() throws Exception {
    actions.perform("stripe.checkout", Map.of("price", "price_1", "mode", "payment", "successUrl", "https://a.example/ok",
        "email", "lee@example.com"), "idem-4", tenant("a", KEY_A));
    assertThat(calls.peek().form()).containsEntry("customer_email", "lee@example.com").containsEntry("mode", "payment")
        .containsEntry("line_items[0][quantity]", "1");
  }

  @Test
  void twoTenantsCallingAtOnceEachUseTheirOwnKey() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Map<String, Object>>> a = new ArrayList<>();
    List<Future<Map<String, Object>>> b = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        String n = String.valueOf(i);
        a.add(pool.submit(() -> actions.perform("stripe.customer", Map.of("email", "a" + n + "@a.example"), "a-" + n, tenant("a", KEY_A))));
        b.add(pool.submit(() -> actions.perform("stripe.customer", Map.of("email", "b" + n + "@b.example"), "b-" + n, tenant("b", KEY_B))));
      }
      for (Future<Map<String, Object>> f : a) {
        assertThat(String.valueOf(f.get().get("customerId"))).startsWith("cus_A_");
      }
      for (Future<Map<String, Object>> f : b) {
        assertThat(String.valueOf(f.get().get("customerId"))).startsWith("cus_B_");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(calls).hasSize(40);
    for (Call c : calls) {
      String expected = c.idempotencyKey().startsWith("a-") ? KEY_A : KEY_B;
      assertThat(c.authorization()).as(c.idempotencyKey()).isEqualTo("Bearer " + expected);
      assertThat(c.form().get("email")).startsWith(c.idempotencyKey().substring(0, 1));
    }
    // and nothing was set JVM-wide for the next caller
    assertThat(com.stripe.Stripe.apiKey).isNull();
  }

  @Test
  void aCardDeclineIsPermanentAndNamesStripesCodeWithoutTheKey() {
    failStatus = 402;
    failBody = "{\"error\": {\"type\": \"card_error\", \"code\": \"card_declined\", \"decline_code\": \"insufficient_funds\","
        + " \"message\": \"Your card has insufficient funds.\"}}";
    assertThatThrownBy(() -> actions.perform("stripe.customer", Map.of("email", "x@example.com"), "idem-5", tenant("a", KEY_A)))
        .isInstanceOfSatisfying(WebhookException.class, e -> {
          assertThat(e.status()).isEqualTo(402);
          assertThat(e.code()).isEqualTo("stripe_card_declined");
          assertThat(e.getMessage()).contains("insufficient funds").contains("stripe.customer").doesNotContain(KEY_A);
        });
  }

  @Test
  void anInvalidKeyIs401AndTheKeyIsMaskedEvenWhenStripeEchoesIt() {
    failStatus = 401;
    failBody = "{\"error\": {\"type\": \"invalid_request_error\", \"message\": \"Invalid API Key provided: " + KEY_A + "\"}}";
    assertThatThrownBy(() -> actions.perform("stripe.customer", Map.of("email", "x@example.com"), "idem-6", tenant("a", KEY_A)))
        .isInstanceOfSatisfying(WebhookException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.getMessage()).doesNotContain(KEY_A).contains("[apiKey]");
        });
  }

  @Test
  void rateLimitsAndOutagesKeepTheirStatusSoTheHubRetriesThem() {
    failStatus = 429;
    failBody = "{\"error\": {\"type\": \"invalid_request_error\", \"code\": \"rate_limit\", \"message\": \"Too many requests\"}}";
    assertThatThrownBy(() -> actions.perform("stripe.customer", Map.of("email", "x@example.com"), "idem-7", tenant("a", KEY_A)))
        .isInstanceOfSatisfying(WebhookException.class, e -> assertThat(e.status()).isEqualTo(429));
    failStatus = 500;
    failBody = "{\"error\": {\"type\": \"api_error\", \"message\": \"Something went wrong on Stripe's end.\"}}";
    assertThatThrownBy(() -> actions.perform("stripe.customer", Map.of("email", "x@example.com"), "idem-8", tenant("a", KEY_A)))
        .isInstanceOfSatisfying(WebhookException.class, e -> assertThat(e.status()).isEqualTo(500));
  }

  @Test
  void anUnreachableApiIs503() throws Exception {
    stripe.stop(0);
    assertThatThrownBy(() -> actions.perform("stripe.customer", Map.of("email", "x@example.com"), "idem-9", tenant("a", KEY_A)))
        .isInstanceOfSatisfying(WebhookException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.code()).isEqualTo("stripe_unreachable");
        });
  }

  @Test
  void payloadsThatLackWhatTheActionNeedsAreRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> actions.perform("stripe.checkout", Map.of("successUrl", "https://a.example"), "k", tenant("a", KEY_A)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'price'");
    assertThatThrownBy(() -> actions.perform("stripe.checkout", Map.of("price", "price_1", "successUrl", "https://a.example",
        "mode", "lifetime"), "k", tenant("a", KEY_A))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mode");
    assertThatThrownBy(() -> actions.perform("stripe.customer", Map.of(), "k", tenant("a", KEY_A)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("customerId");
    assertThatThrownBy(() -> actions.perform("stripe.customer", Map.of("email", "x@example.com"), "k",
        new ChannelSettings("nokey", Map.of(), Map.of()))).isInstanceOf(IllegalStateException.class).hasMessageContaining("apiKey");
    assertThat(calls).isEmpty();
  }
}
