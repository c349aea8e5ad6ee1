package io.switchboard.runtime.action;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.switchboard.api.ActionPerformer;
import io.switchboard.runtime.subscriptions.Subscriptions;
import io.switchboard.api.ChannelConnector;
import io.switchboard.api.OutboundMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.pluginloader.PluginCalls;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantRegistry;
import io.switchboard.runtime.util.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs the actions workflows asked for (the {@code actions} table, written in the same
 * transaction as their interaction): replies through the interaction's connector and signed
 * webhooks. At least once: an action is marked done only after it succeeded, and retried with
 * exponential backoff until {@code maxAttempts}, then marked failed with its last error. Several
 * hub instances share the table safely ({@code for no key update skip locked}: a row being performed
 * still takes the delivery-attempt rows that reference it, which a plain {@code for update} would
 * make wait for the performing transaction, i.e. forever).
 */
public final class ActionDispatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ActionDispatcher.class);
  /** The header carrying a webhook's signature: {@code t=<unix seconds>,v1=<hex HMAC-SHA256>}. */
  public static final String SIGNATURE_HEADER = "X-Switchboard-Signature";

  private final DataSource dataSource;
  private final Supplier<TenantRegistry> tenants;
  private final Function<String, Optional<ChannelConnector>> connectors;
  private final Function<String, Optional<ActionPerformer>> performers;
  private final HttpClient http;
  private final int maxAttempts;
  private final Duration firstBackoff;
  private final Thread thread;
  private final Object wake = new Object();
  private volatile boolean running = true;
  private volatile boolean pending;
  private volatile Subscriptions subscriptions;

  public ActionDispatcher(DataSource dataSource, Supplier<TenantRegistry> tenants,
      Function<String, Optional<ChannelConnector>> connectors, Function<String, Optional<ActionPerformer>> performers,
      int maxAttempts, Duration firstBackoff) {
    this.dataSource = dataSource;
    this.tenants = tenants;
    this.connectors = connectors;
    this.performers = performers;
    this.maxAttempts = maxAttempts;
    this.firstBackoff = firstBackoff;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.thread = new Thread(this::run, "switchboard-actions");
    thread.setDaemon(true);
  }

  public ActionDispatcher start() {
    thread.start();
    return this;
  }

  /** Deliveries to tenants' subscriptions are performed once these are known. */
  public void subscriptions(Subscriptions subscriptions) {
    this.subscriptions = subscriptions;
  }

  /** New actions were committed: look now rather than at the next poll. */
  public void wakeUp() {
    synchronized (wake) {
      pending = true;
      wake.notifyAll();
    }
  }

  private void run() {
    while (running) {
      try {
        int done = dispatchDue(50);
        if (done == 0) {
          synchronized (wake) {
            if (!pending) {
              wake.wait(500);
            }
            pending = false;
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        LOG.warn("Dispatching actions failed, retrying: {}", e.toString());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private record Due(UUID id, String tenantId, String type, String payload, int attempts) {}

  /** Performs up to {@code limit} due actions; returns how many it tried. */
  int dispatchDue(int limit) throws SQLException, InterruptedException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      List<Due> due = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("""
          select id, tenant_id, type, payload::text, attempts from actions
           where status = 'pending' and next_attempt_at <= now()
           order by next_attempt_at limit ? for no key update skip locked""")) {
        ps.setInt(1, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            due.add(new Due(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)));
          }
        }
      }
      for (Due d : due) {
        Outcome o;
        try {
          o = perform(d);
        } catch (InterruptedException e) {
          c.rollback();
          throw e;
        } catch (Exception e) {
          o = Outcome.retry(e.getMessage() == null ? e.toString() : e.getMessage());
        }
        record(c, d, o);
      }
      c.commit();
      return due.size();
    }
  }

  /** What one attempt came to. */
  record Outcome(boolean done, boolean permanent, String error, Object result) {
    static Outcome ok(Object result) {
      return new Outcome(true, false, null, result);
    }

    static Outcome retry(String error) {
      return new Outcome(false, false, error, null);
    }

    static Outcome fail(String error) {
      return new Outcome(false, true, error, null);
    }
  }

  private Outcome perform(Due d) throws Exception {
    Optional<Tenant> tenant = tenants.get().find(d.tenantId());
    if (tenant.isEmpty()) {
      return Outcome.retry("tenant '" + d.tenantId() + "' is not configured right now");
    }
    Map<String, Object> payload = Json.MAPPER.readValue(d.payload(), Json.MAP);
    return switch (d.type()) {
      case "reply" -> reply(tenant.get(), d, payload);
      case "webhook" -> webhook(tenant.get(), d, payload);
      case "delivery" -> delivery(tenant.get(), d, payload);
      default -> performed(tenant.get(), d, payload);
    };
  }

  /** An action of a plugin's own type, performed by the plugin's {@link ActionPerformer}. */
  private Outcome performed(Tenant tenant, Due d, Map<String, Object> p) {
    Optional<ActionPerformer> performer = performers.apply(d.type());
    if (performer.isEmpty()) {
      // its plugin may be disabled or being replaced right now: keep it until maxAttempts
      return Outcome.retry("no started plugin performs action type '" + d.type() + "' right now");
    }
    ActionPerformer a = performer.get();
    var settings = tenant.channel(a.connector());
    if (settings.isEmpty()) {
      return Outcome.fail("tenant '" + tenant.id() + "' has no '" + a.connector() + "' channel for action '" + d.type() + "'");
    }
    try {
      return Outcome.ok(PluginCalls.call(a, () -> a.perform(d.type(), p, d.id().toString(), settings.get())));
    } catch (WebhookException e) {
      return refused(e);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // the payload or the tenant's settings lack what the action needs: retrying will not help
      return Outcome.fail(e.getMessage());
    }
  }

  /** A provider's refusal: a 4xx (but 408 and 429) will not get better by retrying. */
  private static Outcome refused(WebhookException e) {
    int s = e.status();
    return s >= 400 && s < 500 && s != 408 && s != 429 ? Outcome.fail(e.getMessage()) : Outcome.retry(e.getMessage());
  }

  private Outcome reply(Tenant tenant, Due d, Map<String, Object> p) throws WebhookException {
    String connectorId = String.valueOf(p.get("connector"));
    var settings = tenant.channel(connectorId);
    if (settings.isEmpty()) {
      return Outcome.fail("tenant '" + tenant.id() + "' has no '" + connectorId + "' channel to reply on");
    }
    Optional<ChannelConnector> connector = connectors.apply(connectorId);
    if (connector.isEmpty()) {
      return Outcome.retry("connector '" + connectorId + "' is not started right now");
    }
    OutboundMessage m = new OutboundMessage(String.valueOf(p.get("channel")), String.valueOf(p.get("to")),
        (String) p.get("from"), String.valueOf(p.get("text")), media(p.get("media")), d.id().toString(),
        threading(tenant.id(), p.get("inReplyTo")));
    try {
      OutboundMessage.Sent sent = PluginCalls.call(connector.get(), () -> connector.get().send(m, settings.get()));
      return Outcome.ok(Map.of("providerMessageId", String.valueOf(sent.providerMessageId()), "status", String.valueOf(sent.status())));
    } catch (UnsupportedOperationException e) {
      return Outcome.fail(e.getMessage());
    } catch (WebhookException e) {
      return refused(e);
    }
  }

  /** The media URLs a reply asked for (none for replies stored before replies could carry media). */
  private static List<String> media(Object value) {
    return value instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }

  /**
   * What a reply needs to thread with the message it answers: that message's provider id as
   * {@code inReplyToMessageId}, its {@code references} followed by it, and its {@code subject}
   * (e-mail threads on these; other connectors ignore them). Empty when the reply answers nothing.
   */
  private Map<String, String> threading(String tenant, Object inReplyTo) {
    if (inReplyTo == null) {
      return Map.of();
    }
    try (var c = dataSource.getConnection(); var ps = c.prepareStatement(
        "select provider_message_id, attributes->>'references', attributes->>'subject' from interactions"
            + " where tenant_id = ? and id = ?::uuid")) {
      ps.setString(1, tenant);
      ps.setString(2, String.valueOf(inReplyTo));
      try (var rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Map.of();
        }
        Map<String, String> a = new java.util.LinkedHashMap<>();
        a.put("inReplyToMessageId", rs.getString(1));
        String refs = rs.getString(2);
        a.put("references", (refs == null || refs.isBlank() ? "" : refs.strip() + " ") + rs.getString(1));
        if (rs.getString(3) != null) {
          a.put("subject", rs.getString(3));
        }
        return a;
      }
    } catch (java.sql.SQLException | IllegalArgumentException e) {
      LOG.debug("No threading for a reply to {}: {}", inReplyTo, e.toString());
      return Map.of();
    }
  }

  private Outcome webhook(Tenant tenant, Due d, Map<String, Object> p) throws Exception {
    String secretName = String.valueOf(p.get("secret"));
    Optional<String> secret = tenant.secret(secretName);
    if (secret.isEmpty()) {
      return Outcome.retry("tenant '" + tenant.id() + "' has no secret '" + secretName + "' right now");
    }
    byte[] body = Json.MAPPER.writeValueAsBytes(p.get("body"));
    HttpResponse<String> res = http.send(signed(String.valueOf(p.get("url")), secret.get(), d.id(), body).build(),
        HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() / 100 == 2) {
      return Outcome.ok(Map.of("status", res.statusCode()));
    }
    return Outcome.retry("the receiver answered " + res.statusCode());
  }

  /** A JSON POST signed {@code t=<unix seconds>,v1=<HMAC>} with the secret, naming the delivery. */
  private static HttpRequest.Builder signed(String url, String secret, UUID deliveryId, byte[] body) {
    long ts = Instant.now().getEpochSecond();
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .header("User-Agent", "Switchboard")
        .header("X-Switchboard-Delivery", deliveryId.toString())
        .header(SIGNATURE_HEADER, "t=" + ts + ",v1=" + sign(secret, ts, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  /** An event to a tenant's subscription (outgoing webhooks), every attempt logged. */
  private Outcome delivery(Tenant tenant, Due d, Map<String, Object> p) throws Exception {
    Subscriptions subs = subscriptions;
    if (subs == null) {
      return Outcome.retry("subscriptions are not started yet");
    }
    Subscriptions.Target target = subs.target(tenant.id(), String.valueOf(p.get("subscriptionId")));
    if (target == null) {
      return Outcome.fail("the subscription was deleted");
    }
    if (!target.enabled()) {
      return Outcome.fail("the subscription is disabled");
    }
    byte[] body = Json.MAPPER.writeValueAsBytes(p.get("event"));
    HttpRequest req = signed(target.url(), target.secret(), d.id(), body)
        .header("X-Switchboard-Event", String.valueOf(p.get("eventType")))
        .header("X-Switchboard-Subscription", String.valueOf(p.get("subscriptionId")))
        .build();
    long t0 = System.nanoTime();
    HttpResponse<String> res;
    try {
      res = http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      String why = "the receiver is unreachable: " + e;
      subs.logAttempt(tenant.id(), d.id(), null, (System.nanoTime() - t0) / 1_000_000, why, null);
      return Outcome.retry(why);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    boolean ok = res.statusCode() / 100 == 2;
    subs.logAttempt(tenant.id(), d.id(), res.statusCode(), ms, ok ? null : "the receiver answered " + res.statusCode(), res.body());
    return ok ? Outcome.ok(Map.of("status", res.statusCode(), "latencyMs", ms))
        : Outcome.retry("the receiver answered " + res.statusCode());
  }

  /** HMAC-SHA256 over {@code <timestamp>.<body>}, hex; the receiver recomputes it with the shared secret. */
  public static String sign(String secret, long timestamp, byte[] body) {
    return io.switchboard.api.Hmac.sha256Hex(secret, timestamp, body);
  }

  private void record(Connection c, Due d, Outcome o) throws SQLException {
    int attempts = d.attempts() + 1;
    if (o.done()) {
      try (PreparedStatement ps = c.prepareStatement("""
          update actions set status = 'done', attempts = ?, done_at = now(), last_error = null, result = ?::jsonb
           where tenant_id = ? and id = ?""")) {
        ps.setInt(1, attempts);
        ps.setString(2, json(o.result()));
        ps.setString(3, d.tenantId());
        ps.setObject(4, d.id());
        ps.executeUpdate();
      }
      LOG.debug("Action {} ({}) of tenant {} done", d.id(), d.type(), d.tenantId());
      return;
    }
    boolean giveUp = o.permanent() || attempts >= maxAttempts;
    long delay = firstBackoff.toMillis() * (1L << Math.min(attempts - 1, 16));
    try (PreparedStatement ps = c.prepareStatement("""
        update actions set status = ?, attempts = ?, last_error = ?, next_attempt_at = now() + (? * interval '1 millisecond')
         where tenant_id = ? and id = ?""")) {
      ps.setString(1, giveUp ? "failed" : "pending");
      ps.setInt(2, attempts);
      ps.setString(3, o.error());
      ps.setLong(4, delay);
      ps.setString(5, d.tenantId());
      ps.setObject(6, d.id());
      ps.executeUpdate();
    }
    if (giveUp) {
      LOG.warn("Action {} ({}) of tenant {} failed after {} attempt(s): {}", d.id(), d.type(), d.tenantId(), attempts, o.error());
    } else {
      LOG.info("Action {} ({}) of tenant {} failed (attempt {}), retrying in {} ms: {}", d.id(), d.type(), d.tenantId(),
          attempts, delay, o.error());
    }
  }

  private static String json(Object o) {
    try {
      return Json.MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      return "{}";
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
