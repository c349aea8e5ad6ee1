package io.switchboard.runtime.http;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.pluginloader.PluginCalls;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantRegistry;
import io.switchboard.runtime.util.Ids;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels the hub fetches instead of being called: for every tenant whose connector names an
 * endpoint to poll ({@link ChannelConnector#pollSource}, an IMAP mailbox), one Camel route
 * consumes it and hands each exchange's body to the connector's parser, then queues the messages
 * exactly as a webhook's ({@link WebhookIngress#accept}: deduplicated on the provider's id, appended
 * to the inbound topic). A message that cannot be queued fails its exchange, so the source keeps it
 * for the next poll (camel-mail leaves it unseen).
 *
 * <p>Kept in step with the tenant files and the plugins by {@link #sync}: a new or changed endpoint
 * starts its route, a removed one stops it.
 */
public final class ChannelPollers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChannelPollers.class);

  private final CamelContext camel;
  private final Supplier<TenantRegistry> tenants;
  private final Function<String, Optional<ChannelConnector>> connectors;
  private final WebhookIngress ingress;
  private final java.util.concurrent.ExecutorService syncer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "switchboard-pollers");
    t.setDaemon(true);
    return t;
  });
  /** Route id to the endpoint URI it consumes. Guarded by this. */
  private final Map<String, String> running = new HashMap<>();

  public ChannelPollers(CamelContext camel, Supplier<TenantRegistry> tenants,
      Function<String, Optional<ChannelConnector>> connectors, WebhookIngress ingress) {
    this.camel = camel;
    this.tenants = tenants;
    this.connectors = connectors;
    this.ingress = ingress;
  }

  /** {@link #sync} on the pollers' own thread: for change listeners, which must not block. */
  public void syncSoon() {
    if (!syncer.isShutdown()) {
      syncer.execute(this::sync);
    }
  }

  /** Starts, replaces and stops routes so that exactly the endpoints the tenants ask for are polled. */
  public synchronized void sync() {
    Map<String, String> wanted = new HashMap<>();
    Map<String, String[]> owners = new HashMap<>();
    Map<String, ChannelConnector.PollSource> sources = new HashMap<>();
    for (Tenant t : tenants.get().all()) {
      for (Map.Entry<String, ChannelSettings> ch : t.channels().entrySet()) {
        Optional<ChannelConnector> connector = connectors.apply(ch.getKey());
        if (connector.isEmpty()) {
          continue;
        }
        try {
          Optional<ChannelConnector.PollSource> source =
              PluginCalls.call(connector.get(), () -> connector.get().pollSource(ch.getValue()));
          if (source.isPresent()) {
            String id = "poll-" + t.id() + "-" + ch.getKey();
            wanted.put(id, source.get().remainder());
            sources.put(id, source.get());
            owners.put(id, new String[] {t.id(), ch.getKey()});
          }
        } catch (RuntimeException e) {
          // the tenant's settings lack what polling needs: the message names the setting, never a secret
          LOG.error("Not polling {} for tenant {}: {}", ch.getKey(), t.id(), e.getMessage());
        }
      }
    }
    for (String id : List.copyOf(running.keySet())) {
      if (!wanted.getOrDefault(id, "").equals(running.get(id))) {
        stop(id);
      }
    }
    for (Map.Entry<String, String> w : wanted.entrySet()) {
      if (!running.containsKey(w.getKey())) {
        String[] owner = owners.get(w.getKey());
        start(w.getKey(), sources.get(w.getKey()), owner[0], owner[1],
            tenants.get().find(owner[0]).flatMap(t -> t.channel(owner[1])).map(c -> c.secrets().values())
                .orElse(List.of()));
      }
    }
  }

  private void start(String routeId, ChannelConnector.PollSource source, String tenantId, String connectorId,
      java.util.Collection<String> secrets) {
    // the plugin's own component (the hub ships none of camel-mail), under a name only this route uses
    String scheme = "sb-" + routeId;
    String uri = scheme + ":" + source.remainder();
    try {
      org.apache.camel.Component component = PluginCalls.call(source, source::component);
      camel.addComponent(scheme, component);
      camel.addRoutes(new RouteBuilder() {
        @Override
        public void configure() {
          from(uri).routeId(routeId).process(e -> poll(e, source, tenantId, connectorId));
        }
      });
      running.put(routeId, source.remainder());
      LOG.info("Polling {} for tenant {} ({})", connectorId, tenantId, source);
    } catch (Exception e) {
      camel.removeComponent(scheme);
      // Camel quotes endpoint options, values included, in its messages: no secret may reach the log
      LOG.error("Could not start polling {} for tenant {} ({}): {}", connectorId, tenantId, source,
          masked(String.valueOf(e.getMessage()), secrets));
    }
  }

  /** The text with every one of the tenant's channel secrets replaced by {@code xxxxxx}. */
  static String masked(String text, java.util.Collection<String> secrets) {
    // not URISupport.sanitizeUri: on Camel's messages it swallows whole stretches of the explanation
    String out = text;
    for (String secret : secrets) {
      if (secret != null && secret.length() >= 4) {
        out = out.replace(secret, "xxxxxx");
      }
    }
    return out;
  }

  private void stop(String routeId) {
    try {
      camel.getRouteController().stopRoute(routeId);
      camel.removeRoute(routeId);
      LOG.info("Stopped polling route {}", routeId);
    } catch (Exception e) {
      LOG.warn("Could not stop polling route {}: {}", routeId, e.toString());
    }
    camel.removeComponent("sb-" + routeId);
    running.remove(routeId);
  }

  /** One polled item: parsed by the tenant's connector and queued, or the exchange fails. */
  private void poll(Exchange e, ChannelConnector.PollSource source, String tenantId, String connectorId) throws Exception {
    Tenant tenant = tenants.get().find(tenantId).orElseThrow(() ->
        new IllegalStateException("tenant '" + tenantId + "' is gone; leaving the item for a later poll"));
    ChannelSettings settings = tenant.channel(connectorId).orElseThrow(() ->
        new IllegalStateException("tenant '" + tenantId + "' no longer has channel '" + connectorId + "'"));
    ChannelConnector connector = connectors.apply(connectorId).orElseThrow(() ->
        new IllegalStateException("connector '" + connectorId + "' is not started right now"));
    byte[] body = PluginCalls.call(source, () -> source.body(e.getMessage()));
    WebhookRequest request = new WebhookRequest("POLL", URISupport.sanitizeUri(e.getFromEndpoint().getEndpointUri()),
        Map.of("Content-Type", source.contentType()), body);
    String correlationId = Ids.newId().toString();
    List<InboundMessage> messages;
    try {
      messages = PluginCalls.call(connector, () -> connector.parse(request, settings));
    } catch (WebhookException refused) {
      // Not something the connector can read (not a MIME message at all): leaving it would fail
      // every poll, so it is logged and let through; the mailbox keeps it, marked seen.
      LOG.warn("Skipped a polled {} item of tenant {} that the connector refuses: {} {} [{}]", connectorId, tenantId,
          refused.status(), refused.getMessage(), correlationId);
      return;
    }
    ingress.accept(tenantId, connectorId, messages, correlationId);
    LOG.debug("Queued {} polled {} message(s) for tenant {} [{}]", messages.size(), connectorId, tenantId, correlationId);
  }

  @Override
  public synchronized void close() {
    syncer.shutdownNow();
    for (String id : List.copyOf(running.keySet())) {
      stop(id);
    }
  }
}
