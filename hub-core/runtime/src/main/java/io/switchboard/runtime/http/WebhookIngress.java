package io.switchboard.runtime.http;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import io.switchboard.pluginloader.PluginCalls;
import io.switchboard.runtime.pipeline.InboundRecord;
import io.switchboard.runtime.spine.Spine;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantRegistry;
import io.switchboard.runtime.util.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 1-6 of the data flow for one webhook call: resolve the tenant, let the connector verify and
 * parse, deduplicate on the provider's message id, append to {@code switchboard.inbound}, and only
 * then produce the provider's answer. A refused or failed request leaves nothing behind: the
 * dedupe mark is written in a transaction that commits only after Kafka acknowledged the append.
 */
public final class WebhookIngress {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookIngress.class);

  private final Supplier<TenantRegistry> tenants;
  private final Function<String, Optional<ChannelConnector>> connectors;
  private final DataSource dataSource;
  private final Spine spine;
  private final int maxBodyBytes;
  private final java.util.concurrent.ConcurrentHashMap<String, Limiter> limiters = new java.util.concurrent.ConcurrentHashMap<>();

  /** A tenant's rate limiter, for the limits it was built from (a reloaded file may change them). */
  private record Limiter(io.switchboard.runtime.tenant.TenantFile.Limits limits,
      io.github.resilience4j.ratelimiter.RateLimiter limiter) {}

  public WebhookIngress(Supplier<TenantRegistry> tenants, Function<String, Optional<ChannelConnector>> connectors,
      DataSource dataSource, Spine spine, int maxBodyBytes) {
    this.tenants = tenants;
    this.connectors = connectors;
    this.dataSource = dataSource;
    this.spine = spine;
    this.maxBodyBytes = maxBodyBytes;
  }

  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** The tenant, connector and tenant's settings a webhook call is addressed to. */
  private record Target(Tenant tenant, ChannelConnector connector, ChannelSettings settings) {}

  /**
   * Handles one call to {@code /webhooks/{tenant}/{connector}/{endpoint}}.
   *
   * @throws ApiError with the status and code to answer
   */
  public WebhookResponse handle(String tenantId, String connectorId, String endpoint, WebhookRequest request,
      String correlationId) {
    Target target = resolve(tenantId, connectorId, endpoint);
    Tenant tenant = target.tenant();
    ChannelConnector connector = target.connector();
    int limit = tenant.limits().maxBodyBytes() == null ? maxBodyBytes : Math.min(maxBodyBytes, tenant.limits().maxBodyBytes());
    if (request.body().length > limit) {
      throw new ApiError(413, "payload_too_large",
          "the body is " + request.body().length + " bytes; webhooks accept at most " + limit);
    }
    List<InboundMessage> messages = callConnector(connectorId, tenantId, request, correlationId,
        () -> PluginCalls.verifyAndParse(connector, request, target.settings()));
    // after the signature check: an unsigned request must not spend the tenant's allowance
    admit(tenant);
    enqueue(tenantId, connectorId, messages, correlationId);
    List<InboundMessage> accepted = messages;
    return PluginCalls.call(connector, () -> connector.acknowledge(request, accepted, target.settings()));
  }

  /**
   * Handles a {@code GET} to {@code /webhooks/{tenant}/{connector}/{endpoint}}: a provider's
   * verification handshake, answered by {@link ChannelConnector#challenge}. Resolves the call as
   * {@link #handle} does and stores nothing.
   *
   * @throws ApiError with the status and code to answer
   */
  public WebhookResponse challenge(String tenantId, String connectorId, String endpoint, WebhookRequest request,
      String correlationId) {
    Target target = resolve(tenantId, connectorId, endpoint);
    ChannelConnector connector = target.connector();
    return callConnector(connectorId, tenantId, request, correlationId,
        () -> PluginCalls.call(connector, () -> connector.challenge(request, target.settings())));
  }

  /**
   * Finds what a call is addressed to.
   *
   * @throws ApiError 404 for an unknown tenant, connector or endpoint or a tenant without the
   *     channel; 503 when the tenant's connector is not started right now
   */
  private Target resolve(String tenantId, String connectorId, String endpoint) {
    Tenant tenant = tenants.get().find(tenantId)
        .orElseThrow(() -> ApiError.notFound("unknown_tenant", "no tenant '" + tenantId + "' on this hub"));
    ChannelSettings settings = tenant.channel(connectorId).orElse(null);
    ChannelConnector connector = connectors.apply(connectorId).orElse(null);
    if (connector == null && settings != null) {
      // The tenant uses this connector but its plugin is disabled, failed or being replaced: ask the
      // provider to retry rather than lose the message.
      throw ApiError.unavailable("connector_unavailable", "tenant '" + tenantId + "' uses connector '" + connectorId
          + "', but no started plugin provides it right now; retry later", 30);
    }
    if (connector == null) {
      throw ApiError.notFound("unknown_connector", "no connector '" + connectorId + "' is installed on this hub");
    }
    if (!connector.endpoints().contains(endpoint)) {
      throw ApiError.notFound("unknown_endpoint",
          "connector '" + connectorId + "' has no endpoint '" + endpoint + "'; it serves " + connector.endpoints());
    }
    if (settings == null) {
      throw ApiError.notFound("channel_not_configured",
          "tenant '" + tenantId + "' has no '" + connectorId + "' channel configured");
    }
    return new Target(tenant, connector, settings);
  }

  /** Runs a call into the connector, turning its refusals into the hub's answers. */
  private static <T> T callConnector(String connectorId, String tenantId, WebhookRequest request, String correlationId,
      PluginCalls.Call<T, WebhookException> call) {
    try {
      return call.call();
    } catch (WebhookException e) {
      LOG.info("Refused {} {} webhook for tenant {} at {} ({} bytes): {} {} [{}]", request.method(), connectorId,
          tenantId, withoutQuery(request.url()), request.body().length, e.status(), e.code(), correlationId);
      throw new ApiError(e.status(), e.code(), e.getMessage());
    } catch (IllegalStateException e) {
      // A tenant file without a secret the connector needs: the hub's fault, not the provider's.
      LOG.error("Connector {} cannot serve tenant {}: {} [{}]", connectorId, tenantId, e.getMessage(), correlationId);
      throw new ApiError(500, "channel_misconfigured", e.getMessage());
    }
  }

  /** A handshake's query string carries the provider's verify token: keep it out of the log. */
  private static String withoutQuery(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  /**
   * Applies the tenant's {@code limits.inboundPerSecond}: above it the provider is asked to retry
   * (429 with Retry-After), which every provider we serve does; nothing is stored.
   */
  private void admit(Tenant tenant) {
    var limits = tenant.limits();
    if (limits.inboundPerSecond() == null) {
      return;
    }
    Limiter current = limiters.get(tenant.id());
    // one lookup per request; the limiter is rebuilt only when a reload changed the limits
    Limiter l = current != null && current.limits().equals(limits) ? current
        : limiters.compute(tenant.id(), (id, old) -> old != null && old.limits().equals(limits) ? old
        : new Limiter(limits, io.github.resilience4j.ratelimiter.RateLimiter.of("tenant-" + id,
            io.github.resilience4j.ratelimiter.RateLimiterConfig.custom()
                .limitForPeriod(limits.burst() == null ? limits.inboundPerSecond() : limits.burst())
                .limitRefreshPeriod(java.time.Duration.ofMillis(
                    Math.max(1, 1000L * (limits.burst() == null ? limits.inboundPerSecond() : limits.burst())
                        / limits.inboundPerSecond())))
                .timeoutDuration(java.time.Duration.ZERO)
                .build())));
    if (!l.limiter().acquirePermission()) {
      throw new ApiError(429, "rate_limited", "tenant '" + tenant.id() + "' accepts at most " + limits.inboundPerSecond()
          + " webhook calls a second (limits.inboundPerSecond); retry later (nothing was stored)", 1);
    }
  }

  /**
   * Queues messages the hub fetched itself for a tenant (a polled mailbox), as a webhook's are
   * queued once verified: deduplicated on the provider's id and appended to the inbound topic.
   *
   * @throws ApiError 503 when they cannot be queued right now; nothing is then stored
   */
  public void accept(String tenantId, String connectorId, List<InboundMessage> messages, String correlationId) {
    enqueue(tenantId, connectorId, messages, correlationId);
  }

  private void enqueue(String tenantId, String connectorId, List<InboundMessage> messages, String correlationId) {
    if (messages.isEmpty()) {
      return;
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        // The message's durable copy is Kafka (acks=all); losing this dedupe mark in a database crash
        // only lets a provider retry be queued twice, which the pipeline's unique key absorbs.
        try (var st = c.createStatement()) {
          st.execute("set local synchronous_commit to off");
        }
        List<Spine.Message> fresh = new ArrayList<>(messages.size());
        try (PreparedStatement ps = c.prepareStatement(
            "insert into processed_provider_ids (tenant_id, connector, provider_id) values (?, ?, ?) on conflict do nothing")) {
          for (InboundMessage m : messages) {
            ps.setString(1, tenantId);
            ps.setString(2, connectorId);
            ps.setString(3, m.providerMessageId());
            // A concurrent retry of the same id waits here on the unique key until we commit or roll back.
            if (ps.executeUpdate() == 1) {
              InboundRecord r = InboundRecord.of(tenantId, connectorId, m, correlationId);
              fresh.add(new Spine.Message(Spine.INBOUND_TOPIC, r.conversationKey(), Json.write(r)));
            } else {
              LOG.debug("Duplicate {} message {} for tenant {} acknowledged, not queued", connectorId,
                  m.providerMessageId(), tenantId);
            }
          }
        }
        if (!fresh.isEmpty()) {
          spine.sendAll(fresh);
        }
        c.commit();
      } catch (SQLException | Spine.SpineUnavailableException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (Spine.SpineUnavailableException e) {
      LOG.warn("Kafka unavailable, answered 503 to {} webhook for tenant {}: {} [{}]", connectorId, tenantId,
          e.getMessage(), correlationId);
      throw ApiError.unavailable("spine_unavailable",
          "the message could not be queued right now; retry later (nothing was stored)", 5);
    } catch (SQLException e) {
      LOG.warn("Database unavailable, answered 503 to {} webhook for tenant {} [{}]", connectorId, tenantId,
          correlationId, e);
      throw ApiError.unavailable("store_unavailable",
          "the message could not be recorded right now; retry later (nothing was stored)", 5);
    }
  }
}
