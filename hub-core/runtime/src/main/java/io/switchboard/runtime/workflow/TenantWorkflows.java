package io.switchboard.runtime.workflow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every tenant's workflow as a Camel route {@code tenant-<id>} (from {@code direct:tenant-<id>},
 * one processor per top-level node, a {@code choice} on the channel for per-channel overrides), plus
 * the tenant's templated routes. Camel's management, metrics and tracing therefore see each tenant's
 * workflow and each of its nodes.
 *
 * <p>Swaps are atomic per tenant: a batch runs under the tenant's read lock from start to end on
 * the version it started with; {@link #install} takes the write lock, so it waits for the batches in
 * flight to finish on the old version and the next ones start on the new. Nothing is dropped or run
 * twice by a swap. Thread-safe.
 */
public final class TenantWorkflows implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TenantWorkflows.class);
  /** Header naming the variant (a channel with an override, or {@code default}) a batch runs. */
  static final String VARIANT = "SwitchboardVariant";

  /** One tenant's installed workflow. */
  private static final class Live {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    volatile Installed installed;
  }

  /**
   * An installed version of a tenant's workflow.
   *
   * @param version counts installs of this tenant since the hub started, from 1
   */
  public record Installed(CompiledWorkflow workflow, int version, Instant installedAt) {}

  /** What a run used: the version, or empty when the tenant has no runnable workflow. */
  public record Ran(int version, String digest) {}

  private final CamelContext camel;
  private final ProducerTemplate producer;
  private final Map<String, Live> tenants = new ConcurrentHashMap<>();

  public TenantWorkflows(CamelContext camel) {
    this.camel = camel;
    this.producer = camel.createProducerTemplate();
  }

  /** The installed workflow of a tenant, if any. */
  public Optional<Installed> get(String tenantId) {
    Live l = tenants.get(tenantId);
    return l == null ? Optional.empty() : Optional.ofNullable(l.installed);
  }

  /** The compiled workflow of a tenant, or null; for the dead-letter sweeper and the API. */
  public CompiledWorkflow workflow(String tenantId) {
    return get(tenantId).map(Installed::workflow).orElse(null);
  }

  /**
   * Installs a compiled workflow as the tenant's current one, replacing its routes; a workflow that
   * cannot run is installed too, so that its interactions are parked with its problems.
   *
   * @return the installed version
   */
  public Installed install(CompiledWorkflow workflow) throws Exception {
    Live live = tenants.computeIfAbsent(workflow.tenantId(), id -> new Live());
    RouteBuilder route = workflow.isRunnable() ? routeOf(workflow) : null;
    long t0 = System.nanoTime();
    live.lock.writeLock().lockInterruptibly();
    try {
      removeRoutes(workflow.tenantId());
      if (route != null) {
        camel.addRoutes(route);
        for (RouteTemplates.Use use : workflow.routes()) {
          TemplatedRouteBuilder.builder(camel, use.templateId()).routeId(use.routeId()).parameters(use.parameters()).add();
        }
      }
      int version = live.installed == null ? 1 : live.installed.version() + 1;
      live.installed = new Installed(workflow, version, Instant.now());
      LOG.info("Tenant {} workflow version {} ({}) installed in {} ms{}", workflow.tenantId(), version,
          shortDigest(workflow.digest()), (System.nanoTime() - t0) / 1_000_000,
          workflow.isRunnable() ? "" : "; it cannot run, its interactions are parked: " + workflow.errors());
      return live.installed;
    } finally {
      live.lock.writeLock().unlock();
    }
  }

  /** Removes a tenant's workflow and routes, after the batches in flight. */
  public void uninstall(String tenantId) throws Exception {
    Live live = tenants.get(tenantId);
    if (live == null) {
      return;
    }
    live.lock.writeLock().lockInterruptibly();
    try {
      removeRoutes(tenantId);
      live.installed = null;
      tenants.remove(tenantId);
      LOG.info("Tenant {} workflow removed", tenantId);
    } finally {
      live.lock.writeLock().unlock();
    }
  }

  /**
   * Runs items of one tenant through its current workflow; each item records its own outcome.
   *
   * @return the version that ran, or empty when the tenant has no runnable workflow (nothing ran)
   */
  public Optional<Ran> run(String tenantId, List<WorkflowItem> items, boolean dryRun) throws InterruptedException {
    Live live = tenants.get(tenantId);
    if (live == null) {
      return Optional.empty();
    }
    live.lock.readLock().lockInterruptibly();
    try {
      Installed in = live.installed;
      if (in == null || !in.workflow().isRunnable()) {
        return Optional.empty();
      }
      Map<String, List<WorkflowItem>> byVariant = new LinkedHashMap<>();
      for (WorkflowItem item : items) {
        byVariant.computeIfAbsent(in.workflow().variantFor(item.interaction().channel()), v -> new ArrayList<>()).add(item);
      }
      for (Map.Entry<String, List<WorkflowItem>> v : byVariant.entrySet()) {
        Exchange ex = new DefaultExchange(camel);
        ex.getIn().setBody(new Batch(v.getValue(), dryRun));
        ex.getIn().setHeader(VARIANT, v.getKey());
        producer.send(endpoint(tenantId), ex);
        Exception e = ex.getException();
        if (e instanceof InterruptedException ie) {
          throw ie;
        }
        if (e != null) {
          throw new IllegalStateException("tenant " + tenantId + "'s workflow route failed: " + e, e);
        }
      }
      return Optional.of(new Ran(in.version(), in.workflow().digest()));
    } finally {
      live.lock.readLock().unlock();
    }
  }

  /** Runs {@code body} while holding the tenant's read lock, as a batch does; for tests of the swap. */
  <T> T runLocked(String tenantId, java.util.concurrent.Callable<T> body) throws Exception {
    Live live = tenants.get(tenantId);
    live.lock.readLock().lockInterruptibly();
    try {
      return body.call();
    } finally {
      live.lock.readLock().unlock();
    }
  }

  /** What travels through a tenant's route: the items of one variant of one batch. */
  record Batch(List<WorkflowItem> items, boolean dryRun) {}

  static String endpoint(String tenantId) {
    return "direct:tenant-" + tenantId;
  }

  public static String routeId(String tenantId) {
    return "tenant-" + tenantId;
  }

  private RouteBuilder routeOf(CompiledWorkflow w) {
    String id = w.tenantId();
    return new RouteBuilder(camel) {
      @Override
      public void configure() {
        // Steps handle their own retries and failures; a route error is a bug, reported to the caller.
        errorHandler(noErrorHandler());
        RouteDefinition route = from(TenantWorkflows.endpoint(id)).routeId(routeId(id))
            .routeDescription("workflow of tenant " + id + " (" + shortDigest(w.digest()) + ")");
        List<WorkflowNode> defaults = w.variants().getOrDefault(CompiledWorkflow.DEFAULT, List.of());
        if (w.variants().size() == 1) {
          nodes(route, id, "", defaults);
          return;
        }
        var choice = route.choice();
        for (Map.Entry<String, List<WorkflowNode>> v : w.variants().entrySet()) {
          if (!CompiledWorkflow.DEFAULT.equals(v.getKey())) {
            choice.when(header(VARIANT).isEqualTo(v.getKey()));
            nodes(choice, id, v.getKey() + ".", v.getValue().isEmpty() ? List.of() : v.getValue());
          }
        }
        choice.otherwise();
        nodes(choice, id, "", defaults);
        choice.end();
      }
    };
  }

  private static void nodes(org.apache.camel.model.ProcessorDefinition<?> at, String tenantId, String prefix,
      List<WorkflowNode> nodes) {
    if (nodes.isEmpty()) {
      add(at, routeId(tenantId) + "." + prefix + "no-steps", e -> { });
      return;
    }
    for (WorkflowNode n : nodes) {
      // node ids of channel overrides already start with the channel ("whatsapp/0-tag")
      add(at, routeId(tenantId) + "." + n.id(), e -> {
        Batch b = e.getIn().getBody(Batch.class);
        n.run(b.items(), b.dryRun());
      });
    }
  }

  /** Adds a processor with its id (inside a choice, .process().id() would name the choice, not the processor). */
  private static void add(org.apache.camel.model.ProcessorDefinition<?> at, String id, org.apache.camel.Processor p) {
    org.apache.camel.model.ProcessDefinition def = new org.apache.camel.model.ProcessDefinition(p);
    def.setId(id);
    at.addOutput(def);
  }

  private void removeRoutes(String tenantId) throws Exception {
    List<String> ids = new ArrayList<>();
    for (Route r : camel.getRoutes()) {
      if (r.getRouteId().equals(routeId(tenantId)) || r.getRouteId().startsWith(RouteTemplates.routePrefix(tenantId))) {
        ids.add(r.getRouteId());
      }
    }
    for (String r : ids) {
      camel.getRouteController().stopRoute(r);
      camel.removeRoute(r);
    }
  }

  static String shortDigest(String digest) {
    return digest == null || digest.length() < 12 ? String.valueOf(digest) : digest.substring(0, 12);
  }

  @Override
  public void close() {
    try {
      producer.close();
    } catch (Exception e) {
      LOG.debug("Closing the workflow producer: {}", e.toString());
    }
  }
}
