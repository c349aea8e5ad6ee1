package io.switchboard.runtime;

import io.switchboard.pluginloader.DefaultPluginContext;
import io.switchboard.runtime.action.ActionDispatcher;
import io.switchboard.runtime.http.WorkflowApi;
import io.switchboard.runtime.tenant.TenantDirectory;
import io.switchboard.runtime.tenant.TenantLoader;
import io.switchboard.runtime.tenant.TenantSchema;
import io.switchboard.runtime.workflow.RouteTemplates;
import io.switchboard.runtime.workflow.TenantWorkflows;
import io.switchboard.runtime.workflow.builtin.BuiltinSteps;
import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.http.AdminApi;
import io.switchboard.runtime.http.HubRoutes;
import io.switchboard.runtime.http.PublicUrl;
import io.switchboard.runtime.metrics.HubMetrics;
import io.switchboard.runtime.http.ReadApi;
import io.switchboard.runtime.http.ChannelPollers;
import io.switchboard.runtime.http.WebhookIngress;
import io.switchboard.runtime.pipeline.DeadLetterSweeper;
import io.switchboard.runtime.pipeline.DeadLetters;
import io.switchboard.runtime.pipeline.InteractionWriter;
import io.switchboard.runtime.pipeline.PhoneNumbers;
import io.switchboard.runtime.pipeline.PipelineConsumer;
import io.switchboard.runtime.plugin.PluginHost;
import io.switchboard.runtime.spine.EmbeddedKafka;
import io.switchboard.runtime.spine.KafkaTopics;
import io.switchboard.runtime.scoring.Scoring;
import io.switchboard.runtime.scheduling.JobScheduler;
import io.switchboard.runtime.scheduling.TenantJobs;
import io.switchboard.runtime.http.ScoresApi;
import io.switchboard.runtime.spine.Spine;
import io.switchboard.runtime.store.Database;
import io.switchboard.runtime.tenant.TenantConfigException;
import io.switchboard.runtime.tenant.TenantRegistry;
import io.switchboard.runtime.workflow.StepRunner;
import io.switchboard.runtime.workflow.WorkflowCompiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub: Camel Main with the HTTP surface, started first so that {@code /health} answers 503
 * while PostgreSQL, Kafka and the plugins come up in the background; then the webhook ingress, the
 * read API and the pipeline consumer go live together. {@link #close()} stops everything it
 * started, in reverse order, and nothing it did not.
 */
public final class SwitchboardRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SwitchboardRuntime.class);

  private final SwitchboardConfig config;
  private final Readiness readiness = new Readiness();
  /** The inbound Kafka bridge route; bound to the ingress once the store and the spine are up. */
  private final io.switchboard.runtime.bridge.KafkaBridge kafkaBridge = new io.switchboard.runtime.bridge.KafkaBridge();
  private final Deque<AutoCloseable> started = new java.util.concurrent.LinkedBlockingDeque<>();
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile TenantDirectory directory;
  private volatile Database database;
  private volatile String kafkaBootstrap;
  private final HubMetrics metrics = new HubMetrics();
  private Main main;

  public SwitchboardRuntime(SwitchboardConfig config) {
    this.config = config;
  }

  /**
   * Loads the tenants and starts the HTTP server, then brings up the rest in the background.
   *
   * @throws TenantConfigException when a tenant file is invalid; nothing is started then
   */
  public SwitchboardRuntime start() throws Exception {
    LOG.info("Starting Switchboard {} (home {}, configuration {})", Version.HUB, config.home(), config.redacted());
    // Fail early on a missing directory; the files themselves are loaded one by one once plugins are up.
    TenantRegistry.files(config.path(SwitchboardConfig.TENANTS_DIR));
    if ("sb_admin_demo_key".equals(config.get(SwitchboardConfig.ADMIN_API_KEY).orElse(""))) {
      LOG.warn("The admin API uses the public demo key; set SWITCHBOARD_ADMIN_API_KEY on any hub that is not a demo");
    }
    main = new Main();
    PublicUrl publicUrl = new PublicUrl(config.get(SwitchboardConfig.PUBLIC_URL).orElse(""));
    main.configure().addRoutesBuilder(new HubRoutes(readiness, publicUrl, metrics));
    main.configure().addRoutesBuilder(kafkaBridge);
    main.setInitialProperties(camelProperties());
    main.start();
    Thread boot = new Thread(this::bootstrap, "switchboard-bootstrap");
    boot.setDaemon(true);
    boot.start();
    return this;
  }

  private Properties camelProperties() {
    Properties p = new Properties();
    // switchboard.* keys are visible to YAML routes as {{switchboard...}} placeholders.
    p.putAll(config.asMap());
    p.put("camel.main.name", "switchboard");
    p.put("camel.server.enabled", "true");
    p.put("camel.server.host", config.require(SwitchboardConfig.HTTP_HOST));
    p.put("camel.server.port", config.require(SwitchboardConfig.HTTP_PORT));
    // Vert.x refuses bodies above this with its own 413; webhooks check their smaller limit themselves.
    long limit = Math.max(1 << 20, config.intValue(SwitchboardConfig.WEBHOOK_MAX_BODY) + 1);
    p.put("camel.server.maxBodySize", String.valueOf(limit));
    Path routes = config.path(SwitchboardConfig.ROUTES_DIR);
    if (Files.isDirectory(routes)) {
      p.put("camel.main.routesIncludePattern", "file:" + routes + "/*.camel.yaml");
    }
    return p;
  }

  private void bootstrap() {
    try {
      long t0 = System.nanoTime();
      Database db = new Database(config);
      started.push(db);
      db.start();
      database = db;
      readiness.register("postgres", cached(db::isHealthy));

      String bootstrap = config.get(SwitchboardConfig.KAFKA_BOOTSTRAP).orElse(null);
      if (bootstrap == null) {
        EmbeddedKafka kafka = new EmbeddedKafka(config.path(SwitchboardConfig.DATA_DIR).resolve("kafka"),
            config.intValue(SwitchboardConfig.KAFKA_EMBEDDED_PORT));
        started.push(kafka);
        kafka.start();
        bootstrap = kafka.bootstrapServers();
      }
      kafkaBootstrap = bootstrap;
      Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
      started.push(admin);
      int partitions = config.intValue(SwitchboardConfig.KAFKA_PARTITIONS);
      KafkaTopics.ensure(admin, Map.of(Spine.INBOUND_TOPIC, partitions, Spine.EVENTS_TOPIC, partitions),
          (short) config.intValue(SwitchboardConfig.KAFKA_REPLICATION), Duration.ofSeconds(30));
      readiness.register("kafka", cached(() -> isKafkaUp(admin)));

      PluginHost plugins = new PluginHost(config.path(SwitchboardConfig.PLUGINS_DIR), this::pluginContext,
          new PluginHost.InstallPolicy(config.intValue(SwitchboardConfig.PLUGINS_MAX_ARCHIVE),
              java.util.Set.of(config.get(SwitchboardConfig.PLUGINS_ALLOWED_SHA256).orElse("").split(","))));
      started.push(plugins);
      // The tenants' routes and templated routes need the brokers: templates say {{switchboard.kafka.brokers}}.
      camelContext().getPropertiesComponent().addOverrideProperty("switchboard.kafka.brokers", bootstrap);
      StepRunner runner = track(new StepRunner(config.intValue(SwitchboardConfig.STEP_ATTEMPTS), Duration.ofMillis(200),
          Duration.ofMillis(config.intValue(SwitchboardConfig.STEP_TIMEOUT))));
      BuiltinSteps builtins = new BuiltinSteps();
      WorkflowCompiler compiler = new WorkflowCompiler(plugins, builtins, runner, new RouteTemplates(this::camelContext));
      TenantWorkflows workflows = track(new TenantWorkflows(camelContext()));
      TenantDirectory tenantDir = new TenantDirectory(config.path(SwitchboardConfig.TENANTS_DIR),
          new TenantLoader(System.getenv()), compiler, workflows, Duration.ofMillis(config.intValue(SwitchboardConfig.TENANTS_POLL)));
      directory = tenantDir;
      // Every change of plugins recompiles the tenants' workflows.
      plugins.onChange(tenantDir::recompileAll);
      plugins.start();
      readiness.register("plugins", plugins::isLoaded);
      readiness.details("pluginFailures", plugins::failures);
      tenantDir.start();
      track(tenantDir);
      readiness.details("tenantFailures", tenantDir::failures);

      Spine spine = new Spine(bootstrap, Duration.ofMillis(config.intValue(SwitchboardConfig.KAFKA_SEND_TIMEOUT)));
      started.push(spine);
      PhoneNumbers phones = new PhoneNumbers(config.require(SwitchboardConfig.DEFAULT_REGION));
      // web chat is built in (ADR 0010): its replies and handoffs are actions like any connector's
      io.switchboard.runtime.chat.WebChat webChat = new io.switchboard.runtime.chat.WebChat(db.dataSource(), tenantDir::registry, spine);
      io.switchboard.api.ChannelConnector chatConnector = webChat.connector();
      io.switchboard.api.ActionPerformer chatHandoff = webChat.handoffPerformer();
      java.util.function.Function<String, java.util.Optional<io.switchboard.api.ChannelConnector>> replyConnectors = id ->
          io.switchboard.runtime.chat.WebChat.ID.equals(id) ? java.util.Optional.of(chatConnector) : plugins.connector(id);
      java.util.function.Function<String, java.util.Optional<io.switchboard.api.ActionPerformer>> performers = type ->
          io.switchboard.runtime.chat.WebChat.HANDOFF.equals(type) ? java.util.Optional.of(chatHandoff) : plugins.actionPerformer(type);
      ActionDispatcher actions = track(new ActionDispatcher(db.dataSource(), tenantDir::registry, replyConnectors, performers,
          config.intValue(SwitchboardConfig.ACTIONS_MAX_ATTEMPTS), Duration.ofMillis(config.intValue(SwitchboardConfig.ACTIONS_BACKOFF))))
          .start();
      Scoring scoring = new Scoring();
      InteractionWriter writer = new InteractionWriter(db.dataSource(), phones,
          config.hours(SwitchboardConfig.CONVERSATION_WINDOW), tenantDir::registry, workflows, scoring);
      // One consumer per thread in the group 'pipeline'; Kafka spreads the partitions among them.
      java.util.List<PipelineConsumer> consumers = new java.util.ArrayList<>();
      for (int i = 0; i < config.intValue(SwitchboardConfig.PIPELINE_CONSUMERS); i++) {
        PipelineConsumer pipeline = track(new PipelineConsumer(bootstrap,
            config.intValue(SwitchboardConfig.PIPELINE_MAX_POLL), writer, spine, metrics, actions::wakeUp));
        pipeline.start();
        consumers.add(pipeline);
      }
      readiness.register("pipeline", () -> consumers.stream().allMatch(PipelineConsumer::isHealthy));
      DeadLetters deadLetters = new DeadLetters(db.dataSource(), spine);
      DeadLetterSweeper sweeper = track(new DeadLetterSweeper(deadLetters, tenantDir::registry,
          workflows::workflow, Duration.ofSeconds(10)));
      plugins.onChange(sweeper::sweepSoon);
      tenantDir.onChange(sweeper::sweepSoon);
      JobScheduler scheduler = null;
      if (Boolean.parseBoolean(config.require(SwitchboardConfig.SCHEDULER_ENABLED))) {
        JobScheduler s = track(new JobScheduler(db.dataSource(), tenantDir::registry,
            new TenantJobs(db.dataSource(), scoring, deadLetters, spine),
            config.get(SwitchboardConfig.SCHEDULER_INSTANCE_ID).orElse(null), config.intValue(SwitchboardConfig.SCHEDULER_THREADS),
            Duration.ofMillis(config.intValue(SwitchboardConfig.SCHEDULER_CHECKIN))));
        s.sync();
        tenantDir.onChange(s::sync);
        s.start();
        scheduler = s;
      }

      // The knowledge base: documents in PostgreSQL, searched by the plugins' KnowledgeIndex extensions.
      io.switchboard.runtime.kb.KnowledgeService knowledge = track(new io.switchboard.runtime.kb.KnowledgeService(
          db.dataSource(), () -> plugins.extensions(io.switchboard.api.KnowledgeIndex.class),
          Duration.ofMillis(config.intValue(io.switchboard.runtime.kb.KnowledgeService.POLL_MS))));
      plugins.onChange(knowledge::pluginsChanged);
      knowledge.start();

      WebhookIngress ingress = new WebhookIngress(tenantDir::registry, plugins::connector, db.dataSource(), spine,
          config.intValue(SwitchboardConfig.WEBHOOK_MAX_BODY));
      // mailboxes and other channels the hub fetches: kept in step with tenant files and plugins
      kafkaBridge.bind(ingress, deadLetters);
      webChat.bind(ingress);
      // the router camel-platform-http-main's server registered, named after its port
      var router = camelContext().getRegistry()
          .findByType(org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.class).stream().findFirst()
          .orElseThrow(() -> new IllegalStateException("the platform-http server registered no Vert.x router"));
      new io.switchboard.runtime.chat.ChatEvents(webChat).install(router, router.vertx());
      // outgoing webhooks: the tenants' events fanned out to their subscriptions, delivered by the actions
      io.switchboard.runtime.subscriptions.Subscriptions subscriptions =
          new io.switchboard.runtime.subscriptions.Subscriptions(db.dataSource(), actions::wakeUp);
      actions.subscriptions(subscriptions);
      camelContext().addRoutes(subscriptions.fanout());
      ChannelPollers pollers = track(new ChannelPollers(camelContext(), tenantDir::registry, plugins::connector, ingress));
      plugins.onChange(pollers::syncSoon);
      tenantDir.onChange(pollers::syncSoon);
      pollers.sync();
      readiness.publish(new Readiness.Services(
          ingress,
          new ReadApi(tenantDir::registry, db.dataSource()),
          new AdminApi(plugins, config.get(SwitchboardConfig.ADMIN_API_KEY).orElse(""),
              config.intValue(SwitchboardConfig.PLUGINS_MAX_ARCHIVE)),
          new WorkflowApi(tenantDir, workflows, db.dataSource(), phones, () -> TenantSchema.generate(
              stepFactories(builtins, plugins))),
          new ScoresApi(db.dataSource()), scheduler,
          new io.switchboard.runtime.kb.KnowledgeApi(knowledge, config.intValue(io.switchboard.runtime.kb.KnowledgeService.MAX_DOCUMENT_BYTES)),
          subscriptions, webChat));
      LOG.info("Switchboard ready in {} ms: http://{}:{} (connectors {})", (System.nanoTime() - t0) / 1_000_000,
          config.require(SwitchboardConfig.HTTP_HOST), config.require(SwitchboardConfig.HTTP_PORT),
          plugins.connectorIds());
      ready.complete(null);
    } catch (Throwable e) {
      LOG.error("Switchboard failed to start: {}", e.toString(), e);
      readiness.fail(e.getMessage() == null ? e.toString() : e.getMessage());
      ready.completeExceptionally(e);
    }
  }

  /** The steps tenants can use now: the hub's own and those of started plugins. */
  static java.util.List<io.switchboard.api.StepFactory<?>> stepFactories(BuiltinSteps builtins, PluginHost plugins) {
    java.util.List<io.switchboard.api.StepFactory<?>> out = new java.util.ArrayList<>(builtins.all());
    plugins.steps().forEach(p -> out.add(p.factory()));
    return out;
  }

  /** The live tenants directory; only once the hub is ready. */
  public TenantDirectory tenants() {
    return directory;
  }

  private DefaultPluginContext pluginContext(String pluginId) {
    return pluginContext(config, pluginId, metrics.forPlugin(pluginId));
  }

  /**
   * A plugin's context: its settings {@code switchboard.plugins.<id>.*} and secrets
   * {@code ...<id>.secrets.*}; the hub and its CLI commands give plugins the same one.
   */
  public static DefaultPluginContext pluginContext(SwitchboardConfig config, String pluginId,
      io.switchboard.api.PluginContext.Metrics pluginMetrics) {
    Map<String, String> settings = new java.util.TreeMap<>(config.withPrefix("switchboard.plugins." + pluginId + "."));
    Map<String, String> secrets = config.withPrefix("switchboard.plugins." + pluginId + ".secrets.");
    settings.keySet().removeIf(k -> k.startsWith("secrets."));
    // where relative paths in a step's configuration (an examples CSV) are resolved
    settings.putIfAbsent("config-dir", config.path(SwitchboardConfig.TENANTS_DIR).toAbsolutePath().getParent().toString());
    return pluginMetrics == null ? new DefaultPluginContext(pluginId, settings, secrets)
        : new DefaultPluginContext(pluginId, settings, secrets, pluginMetrics);
  }

  private <T extends AutoCloseable> T track(T resource) {
    started.push(resource);
    return resource;
  }

  /** Blocks until the hub serves, or throws what stopped it from starting. */
  public void awaitReady(Duration timeout) throws Exception {
    try {
      ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
    }
  }

  /** Completes when the hub is up; exceptionally when it could not start. */
  public CompletableFuture<Void> ready() {
    return ready;
  }

  public Readiness readiness() {
    return readiness;
  }

  public SwitchboardConfig config() {
    return config;
  }

  /** The hub's PostgreSQL pool; only once the hub is ready. */
  public javax.sql.DataSource dataSource() {
    if (database == null) {
      throw new IllegalStateException("the hub is not ready");
    }
    return database.dataSource();
  }

  /** Where the hub's Kafka is; only once the hub is ready. */
  public String kafkaBootstrapServers() {
    return kafkaBootstrap;
  }

  public CamelContext camelContext() {
    return main.getCamelContext();
  }

  private static boolean isKafkaUp(Admin admin) {
    try {
      admin.describeCluster().nodes().get(2, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Health checks are polled; asking PostgreSQL or Kafka at most once a second is plenty. */
  private static java.util.function.BooleanSupplier cached(java.util.function.BooleanSupplier check) {
    AtomicLong until = new AtomicLong();
    AtomicBoolean last = new AtomicBoolean();
    return () -> {
      long now = System.nanoTime();
      if (now - until.get() > 0) {
        last.set(check.getAsBoolean());
        until.set(now + 1_000_000_000L);
      }
      return last.get();
    };
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    LOG.info("Stopping Switchboard");
    try {
      // Let a start in progress finish, so that everything it starts is also stopped.
      ready.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("Stopping a hub that did not start: {}", e.toString());
    }
    if (main != null) {
      // HTTP first: no request may reach a service that is already stopped.
      main.stop();
    }
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("Error while stopping {}", c, e);
      }
    }
    metrics.close();
    LOG.info("Switchboard stopped");
  }
}
