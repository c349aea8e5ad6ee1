package io.switchboard.bench;

import io.switchboard.runtime.SwitchboardRuntime;
import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.spine.Spine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * A real hub in this JVM, as the runtime's ITs start it: the repository's config/ copied into a
 * temporary home, the plugin archives the build produced copied into the home's plugins/, embedded
 * PostgreSQL and Kafka on free ports. Deletes its home when closed.
 */
final class HubTarget implements Target {

  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  static final String TENANT = "demo";
  /** The demo tenant's Twilio number (config/tenants/demo.yaml). */
  static final String TENANT_NUMBER = "+15550006000";

  private final Path home;
  private final int port;
  private final SwitchboardRuntime runtime;
  private final Admin admin;
  private final SwitchboardConfig config;

  private HubTarget(Path home, int port, SwitchboardRuntime runtime, Admin admin, SwitchboardConfig config) {
    this.home = home;
    this.port = port;
    this.runtime = runtime;
    this.admin = admin;
    this.config = config;
  }

  /**
   * @param system JVM system properties; their {@code switchboard.*} keys override the configuration
   *     file, as they do for a hub started by {@code bin/switchboard}
   */
  static HubTarget start(Path configDir, Path pluginsDir, Path routesDir, Properties system) throws Exception {
    Path home = Files.createTempDirectory("switchboard-bench-hub-");
    SwitchboardRuntime runtime = null;
    try {
      Support.copyTree(configDir, home.resolve("config"));
      // The hub's own plugins directory, as the ITs do: PF4J unpacks the archives into it.
      Path plugins = Files.createDirectories(home.resolve("plugins"));
      try (var zips = Files.list(pluginsDir)) {
        for (Path zip : (Iterable<Path>) zips.filter(p -> p.getFileName().toString().endsWith(".zip"))::iterator) {
          Files.copy(zip, plugins.resolve(zip.getFileName()));
        }
      }
      int port = Support.freePort();
      Map<String, String> o = new HashMap<>();
      o.put(SwitchboardConfig.HTTP_PORT, String.valueOf(port));
      o.put(SwitchboardConfig.HTTP_HOST, "127.0.0.1");
      o.put(SwitchboardConfig.KAFKA_EMBEDDED_PORT, "0");
      o.put(SwitchboardConfig.PLUGINS_DIR, plugins.toString());
      if (routesDir != null) {
        o.put(SwitchboardConfig.ROUTES_DIR, routesDir.toAbsolutePath().toString());
      }
      SwitchboardConfig config = SwitchboardConfig.load(home, home.resolve("config/switchboard.properties"),
          Map.of(), system).with(o);
      runtime = new SwitchboardRuntime(config).start();
      runtime.awaitReady(Duration.ofMinutes(2));
      Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.kafkaBootstrapServers(),
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
      return new HubTarget(home, port, runtime, admin, config);
    } catch (Exception | Error e) {
      if (runtime != null) {
        runtime.close();
      }
      Support.deleteTree(home);
      throw e;
    }
  }

  /** The hub's base URL, e.g. {@code http://127.0.0.1:8080}. */
  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  @Override
  public LoadGenerator.Requests requests(String authToken, int senders) {
    return requests(TENANT, TENANT_NUMBER, authToken, senders);
  }

  /** SMS webhooks for {@code tenant}, addressed to its Twilio number {@code number}. */
  LoadGenerator.Requests requests(String tenant, String number, String authToken, int senders) {
    return new SmsRequests(baseUrl() + "/webhooks/" + tenant + "/twilio/sms", authToken, number, senders);
  }

  @Override
  public long stored() throws Exception {
    return Support.queryLong(runtime.dataSource(), "select count(*) from interactions");
  }

  @Override
  public Long eventsPublished() throws Exception {
    return endOffsets(Spine.EVENTS_TOPIC);
  }

  @Override
  public Long inboundAppended() throws Exception {
    return endOffsets(Spine.INBOUND_TOPIC);
  }

  @Override
  public Long deadLetters() throws Exception {
    return Support.queryLong(runtime.dataSource(), "select count(*) from dead_letters");
  }

  /** Sum of a topic's end offsets: every record ever appended (no transactions, so no markers). */
  private long endOffsets(String topic) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    Map<TopicPartition, OffsetSpec> latest = d.partitions().stream()
        .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
    return admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
  }

  /** ALTER SYSTEM for each setting, then a reload, so that every pooled session sees them. */
  void applyPostgresSettings(Map<String, String> settings) throws Exception {
    try (var c = runtime.dataSource().getConnection(); var st = c.createStatement()) {
      for (Map.Entry<String, String> e : settings.entrySet()) {
        if (!e.getKey().matches("[a-z_.]+")) {
          throw new IllegalArgumentException("not a PostgreSQL setting name: " + e.getKey());
        }
        st.execute("alter system set " + e.getKey() + " = '" + e.getValue().replace("'", "''") + "'");
      }
      st.execute("select pg_reload_conf()");
    }
  }

  @Override
  public long postmasterPid() {
    return ResourceMeter.postmasterPid(config.path(SwitchboardConfig.DATA_DIR).resolve("postgres"));
  }

  @Override
  public String synchronousCommit() {
    try {
      return Support.queryString(runtime.dataSource(), "show synchronous_commit");
    } catch (Exception e) {
      return "?";
    }
  }

  @Override
  public int poolSize() {
    return config.intValue(SwitchboardConfig.DB_POOL_SIZE);
  }

  /**
   * How PostgreSQL reached the hub's rows: sequential against index scans per table, and whether
   * autovacuum has analyzed it yet. A table read by sequential scans while it grows makes the
   * pipeline slower the more it has stored.
   */
  List<String> tableStats() {
    List<String> lines = new java.util.ArrayList<>();
    try (var c = runtime.dataSource().getConnection(); var st = c.createStatement()) {
      try (var rs = st.executeQuery("""
          select relname, n_live_tup, n_dead_tup, seq_scan, seq_tup_read, coalesce(idx_scan, 0),
                 coalesce(to_char(greatest(last_analyze, last_autoanalyze), 'HH24:MI:SS'), 'never')
            from pg_stat_user_tables where relname <> 'flyway_schema_history' order by relname""")) {
        lines.add(String.format("%-32s %9s %9s %9s %12s %10s  %s", "table", "live rows", "dead rows", "seq scans",
            "seq rows", "idx scans", "analyzed"));
        while (rs.next()) {
          lines.add(String.format("%-32s %,9d %,9d %,9d %,12d %,10d  %s", rs.getString(1), rs.getLong(2),
              rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getString(7)));
        }
      }
      try (var rs = st.executeQuery("""
          select indexrelname, idx_scan, idx_tup_read, idx_tup_fetch from pg_stat_user_indexes
           where idx_scan > 0 order by idx_tup_read desc""")) {
        lines.add(String.format("%-32s %9s %12s %12s %10s", "index", "scans", "entries read", "rows fetched",
            "read/scan"));
        while (rs.next()) {
          long scans = rs.getLong(2);
          lines.add(String.format("%-32s %,9d %,12d %,12d %10.1f", rs.getString(1), scans, rs.getLong(3),
              rs.getLong(4), scans == 0 ? 0.0 : (double) rs.getLong(3) / scans));
        }
      }
    } catch (Exception e) {
      lines.add("table statistics unavailable: " + e);
    }
    return lines;
  }

  int topicPartitions() {
    return config.intValue(SwitchboardConfig.KAFKA_PARTITIONS);
  }

  int pipelineConsumers() {
    return config.intValue(SwitchboardConfig.PIPELINE_CONSUMERS);
  }

  int maxPollRecords() {
    return config.intValue(SwitchboardConfig.PIPELINE_MAX_POLL);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      admin.close(Duration.ofSeconds(5));
    } finally {
      try {
        runtime.close();
      } finally {
        Support.deleteTree(home);
      }
    }
  }
}
