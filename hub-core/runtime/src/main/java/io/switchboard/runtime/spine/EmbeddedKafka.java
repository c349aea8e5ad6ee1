package io.switchboard.runtime.spine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka broker running in this JVM: the real broker, in KRaft mode with the
 * broker and controller roles combined ({@link KafkaRaftServer}). The hub uses it when no external
 * bootstrap servers are configured.
 *
 * <p>The log directory holds everything (metadata log, topics, consumer offsets). On first use it is
 * formatted with a random cluster id; afterwards it is reused as it is, so topics and records
 * survive a restart of the hub, even when the ports differ from one run to the next (the quorum is
 * a static one, whose voter address lives in the configuration, not in the log).
 *
 * <p>Both listeners bind to 127.0.0.1 only, PLAINTEXT. {@link #start()} and {@link #stop()} are
 * synchronized; stop is idempotent, so a shutdown hook may call it as well.
 *
 * <p>Kafka logs a lot at INFO: the loggers {@code kafka}, {@code state.change.logger} and {@code
 * org.apache.kafka} are best set to WARN by the logging configuration.
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  static final String HOST = "127.0.0.1";
  static final int NODE_ID = 1;
  static final String BROKER_LISTENER = "PLAINTEXT";
  static final String CONTROLLER_LISTENER = "CONTROLLER";
  static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
  /** Attempts when a port we picked ourselves was taken by someone else before the broker bound it. */
  private static final int BIND_ATTEMPTS = 3;

  private final Path logDir;
  private final int requestedPort;
  private final Duration startupTimeout;
  private final Map<String, String> overrides;

  private volatile KafkaRaftServer server;
  private volatile int port = -1;

  /**
   * @param logDir the broker's only log directory (created if missing)
   * @param port the client listener's port on 127.0.0.1; 0 picks a free one
   */
  public EmbeddedKafka(Path logDir, int port) {
    this(logDir, port, DEFAULT_STARTUP_TIMEOUT, Map.of());
  }

  /**
   * @param logDir the broker's only log directory (created if missing)
   * @param port the client listener's port on 127.0.0.1; 0 picks a free one
   * @param startupTimeout how long {@link #start()} waits for the broker to answer
   * @param overrides broker settings applied over the defaults of {@link #brokerProperties}
   */
  public EmbeddedKafka(Path logDir, int port, Duration startupTimeout, Map<String, String> overrides) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    this.logDir = logDir.toAbsolutePath().normalize();
    this.requestedPort = port;
    this.startupTimeout = startupTimeout;
    this.overrides = Map.copyOf(overrides);
  }

  /**
   * Formats the log directory if it was never formatted, starts the broker and waits until it
   * answers a client.
   *
   * @throws IllegalStateException if it is already running, or the broker could not be started or
   *     did not answer within the startup timeout (the broker is then shut down again)
   */
  public synchronized void start() {
    if (server != null) {
      throw new IllegalStateException("Embedded Kafka is already running at " + bootstrapServers());
    }
    long t0 = System.nanoTime();
    long deadline = t0 + startupTimeout.toNanos();
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create Kafka log dir " + logDir, e);
    }
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format();
    } else {
      LOG.debug("Kafka log dir {} is already formatted, reusing it", logDir);
    }

    for (int attempt = 1; ; attempt++) {
      int brokerPort = requestedPort != 0 ? requestedPort : freePort();
      int ctrlPort = freePort();
      while (ctrlPort == brokerPort) {
        ctrlPort = freePort();
      }
      Properties props = brokerProperties(brokerPort, ctrlPort, deadline);
      KafkaRaftServer s = null;
      try {
        s = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        s.startup();
      } catch (Exception | LinkageError e) {
        // Scala code may throw checked exceptions undeclared; a LinkageError means a missing jar.
        shutdownQuietly(s);
        if (requestedPort == 0 && attempt < BIND_ATTEMPTS && hasCause(e, BindException.class)) {
          LOG.warn("Embedded Kafka could not bind port {} or {} ({}), trying other ports",
              brokerPort, ctrlPort, e.getMessage());
          continue;
        }
        Throwable root = rootCause(e);
        throw new IllegalStateException("Embedded Kafka failed to start on " + HOST + ":" + brokerPort
            + " (controller " + HOST + ":" + ctrlPort + ", log dir " + logDir + "): " + e
            + (root != e ? " (caused by " + root + ")" : ""), e);
      }
      this.server = s;
      this.port = brokerPort;
      break;
    }

    try {
      awaitReady(deadline);
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    LOG.info("Embedded Kafka ready at {} in {} ms (log dir {})",
        bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), logDir);
  }

  /** "127.0.0.1:port" of the running (or last started) broker. */
  public String bootstrapServers() {
    int p = port;
    if (p < 0) {
      throw new IllegalStateException("Embedded Kafka has not been started");
    }
    return HOST + ":" + p;
  }

  /** The client listener's port, or -1 before the first start. */
  public int port() {
    return port;
  }

  public Path logDir() {
    return logDir;
  }

  public boolean isRunning() {
    return server != null;
  }

  /** Shuts the broker down and waits until it has. Idempotent; does nothing if it is not running. */
  public synchronized void stop() {
    KafkaRaftServer s = server;
    if (s == null) {
      return;
    }
    server = null;
    long t0 = System.nanoTime();
    shutdownQuietly(s);
    LOG.info("Embedded Kafka at {} stopped in {} ms", HOST + ":" + port,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * The broker's settings: a combined broker+controller node with a static one-voter quorum, sized
   * for one node on a small machine. {@code overrides} from the constructor win.
   */
  Properties brokerProperties(int brokerPort, int ctrlPort, long deadlineNanos) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", String.valueOf(NODE_ID));
    // Static quorum (kraft.version 0): the voter's address is read from here on every start, so the
    // controller port may change between runs of the same log dir.
    p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + ctrlPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
        + CONTROLLER_LISTENER + "://" + HOST + ":" + ctrlPort);
    p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
    p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", BROKER_LISTENER);
    p.put("log.dirs", logDir.toString());

    // One node: every internal topic with one replica.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("num.partitions", "1");
    // The hub creates its own topics; tenants' routes (events-to-topic) may name new ones, which a
    // development broker creates on first use. On an external cluster, create them beforehand.
    p.put("auto.create.topics.enable", "true");
    p.put("group.initial.rebalance.delay.ms", "0");

    // Small machine: fewer threads, a small cleaner buffer (the default takes 128 MiB of heap at start).
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
    p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));

    // After an unclean stop (kill -9) the controller keeps the old broker registration until its
    // session expires, and the restarted broker cannot register before that: 9 s by default plus
    // backoff (about 14 s in all); a short session brings that down to about 4 s. Heartbeats are
    // in-process over loopback, so 500 ms is cheap.
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("broker.session.timeout.ms", "3000");

    // Fail instead of waiting forever for a controller that will never come.
    long remainingMs = Math.max(1000, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    p.put("server.max.startup.time.ms", String.valueOf(remainingMs));

    p.putAll(overrides);
    Properties props = new Properties();
    props.putAll(p);
    return props;
  }

  private void format() {
    String clusterId = Uuid.randomUuid().toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      new Formatter()
          .setPrintStream(ps)
          .setNodeId(NODE_ID)
          .setClusterId(clusterId)
          .addDirectory(logDir.toString())
          .setMetadataLogDirectory(logDir.toString())
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setReleaseVersion(MetadataVersion.latestProduction())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot format Kafka log dir " + logDir + ": " + e.getMessage(), e);
    }
    LOG.info("Formatted Kafka log dir {} (cluster id {}, metadata.version {})",
        logDir, clusterId, MetadataVersion.latestProduction());
    String printed = out.toString(StandardCharsets.UTF_8).trim();
    if (!printed.isEmpty()) {
      LOG.debug("Kafka formatter: {}", printed);
    }
  }

  private void awaitReady(long deadlineNanos) {
    Properties ap = new Properties();
    ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    ap.put(AdminClientConfig.CLIENT_ID_CONFIG, "switchboard-embedded-kafka-probe");
    ap.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    ap.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    ap.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    Exception last = null;
    try (Admin admin = Admin.create(ap)) {
      while (System.nanoTime() < deadlineNanos) {
        long leftMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        int callMs = (int) Math.min(5000, leftMs);
        try {
          Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(callMs))
              .nodes().get(callMs + 1000L, TimeUnit.MILLISECONDS);
          if (nodes.stream().anyMatch(n -> n.id() == NODE_ID)) {
            return;
          }
          last = null;
        } catch (ExecutionException e) {
          last = e.getCause() instanceof Exception c ? c : e;
        } catch (TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while waiting for embedded Kafka at " + bootstrapServers(), e);
        }
        sleep(Math.min(200, leftMs));
      }
    }
    throw new IllegalStateException("Embedded Kafka at " + bootstrapServers() + " (log dir " + logDir
        + ") did not answer within " + startupTimeout.toMillis() + " ms"
        + (last != null ? ": " + last : ""), last);
  }

  private static void shutdownQuietly(KafkaRaftServer s) {
    if (s == null) {
      return;
    }
    try {
      s.shutdown();
      s.awaitShutdown();
    } catch (Exception e) {
      LOG.warn("Embedded Kafka did not shut down cleanly: {}", e.toString(), e);
    }
  }

  private static int freePort() {
    try (ServerSocket ss = new ServerSocket()) {
      ss.setReuseAddress(true);
      ss.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
      return ss.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free port on " + HOST, e);
    }
  }

  private static Throwable rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c;
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for embedded Kafka", e);
    }
  }
}
