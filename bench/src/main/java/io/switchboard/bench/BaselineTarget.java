package io.switchboard.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;

/**
 * The baseline: the least a Camel application can do with the same webhook. Camel Main with
 * platform-http on Vert.x (as the hub), one route: take MessageSid, From and Body from the form,
 * insert them into a table of a separate embedded PostgreSQL through a HikariCP pool of the hub's
 * size (autocommit, one statement, synchronous_commit=on as the hub's database), answer Twilio's
 * empty {@code <Response/>}. No signature check,
 * no deduplication, no Kafka, no pipeline.
 */
final class BaselineTarget implements Target {

  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  static final String PATH = "/sms";
  private static final String TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

  private final Path dataDir;
  private final EmbeddedPostgres postgres;
  private final HikariDataSource pool;
  private final Main main;
  private final int port;
  private final int poolSize;

  private BaselineTarget(Path dataDir, EmbeddedPostgres postgres, HikariDataSource pool, Main main, int port,
      int poolSize) {
    this.dataDir = dataDir;
    this.postgres = postgres;
    this.pool = pool;
    this.main = main;
    this.port = port;
    this.poolSize = poolSize;
  }

  static BaselineTarget start(int poolSize) throws Exception {
    Path dataDir = Files.createTempDirectory("switchboard-bench-baseline-pg-");
    EmbeddedPostgres postgres = null;
    HikariDataSource pool = null;
    Main main = null;
    try {
      // Durable commits, as the hub's embedded PostgreSQL: the single insert is the message's only copy.
      postgres = EmbeddedPostgres.builder()
          .setServerConfig("synchronous_commit", "on")
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(true)
          .setPGStartupWait(Duration.ofSeconds(60))
          .start();
      HikariConfig hc = new HikariConfig();
      hc.setJdbcUrl(postgres.getJdbcUrl("postgres", "postgres"));
      hc.setPoolName("baseline");
      hc.setMaximumPoolSize(poolSize);
      hc.setConnectionTimeout(10_000);
      pool = new HikariDataSource(hc);
      try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
        st.execute("""
            create table sms (
              id           bigserial primary key,
              message_sid  text not null unique,
              from_address text not null,
              body         text not null,
              received_at  timestamptz not null default now()
            )""");
      }
      int port = Support.freePort();
      main = new Main();
      Properties p = new Properties();
      p.put("camel.main.name", "baseline");
      p.put("camel.server.enabled", "true");
      p.put("camel.server.host", "127.0.0.1");
      p.put("camel.server.port", String.valueOf(port));
      main.setInitialProperties(p);
      main.configure().addRoutesBuilder(new SmsRoute(pool));
      main.start();
      return new BaselineTarget(dataDir, postgres, pool, main, port, poolSize);
    } catch (Exception | Error e) {
      if (main != null) {
        main.stop();
      }
      if (pool != null) {
        pool.close();
      }
      if (postgres != null) {
        postgres.close();
      }
      Support.deleteTree(dataDir);
      throw e;
    }
  }

  /** platform-http → parse three form fields → JDBC insert → TwiML. */
  static final class SmsRoute extends RouteBuilder {
    private final javax.sql.DataSource dataSource;

    SmsRoute(javax.sql.DataSource dataSource) {
      this.dataSource = dataSource;
    }

    @Override
    public void configure() {
      // platform-http's defaults: Vert.x's body handler decodes the form, Camel copies its fields into headers.
      from("platform-http:" + PATH + "?httpMethodRestrict=POST")
          .routeId("baseline-sms")
          .process(this::insert);
    }

    private void insert(Exchange e) throws Exception {
      Message m = e.getMessage();
      String sid = m.getHeader("MessageSid", String.class);
      String from = m.getHeader("From", String.class);
      String body = m.getHeader("Body", String.class);
      // Answer only what we set: platform-http would otherwise echo request headers and form fields.
      m.removeHeaders("*");
      if (sid == null || from == null) {
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
        m.setHeader(Exchange.CONTENT_TYPE, "text/plain");
        m.setBody("MessageSid and From are required");
        return;
      }
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement(
              "insert into sms (message_sid, from_address, body) values (?, ?, ?)")) {
        ps.setString(1, sid);
        ps.setString(2, from);
        ps.setString(3, body == null ? "" : body);
        ps.executeUpdate();
      }
      m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
      m.setHeader(Exchange.CONTENT_TYPE, "text/xml");
      m.setBody(TWIML);
    }
  }

  @Override
  public LoadGenerator.Requests requests(String authToken, int senders) {
    // The same form and headers as for the hub (the signature is sent, and ignored).
    return new SmsRequests("http://127.0.0.1:" + port + PATH, authToken, HubTarget.TENANT_NUMBER, senders);
  }

  @Override
  public long stored() throws Exception {
    return Support.queryLong(pool, "select count(*) from sms");
  }

  @Override
  public Long eventsPublished() {
    return null;
  }

  @Override
  public Long inboundAppended() {
    return null;
  }

  @Override
  public Long deadLetters() {
    return null;
  }

  @Override
  public long postmasterPid() {
    return ResourceMeter.postmasterPid(dataDir);
  }

  @Override
  public String synchronousCommit() {
    try {
      return Support.queryString(pool, "show synchronous_commit");
    } catch (Exception e) {
      return "?";
    }
  }

  @Override
  public int poolSize() {
    return poolSize;
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      main.stop();
    } finally {
      pool.close();
      try {
        postgres.close();
      } catch (IOException e) {
        System.err.println("Baseline PostgreSQL did not stop cleanly: " + e);
      }
      Support.deleteTree(dataDir);
    }
  }
}
