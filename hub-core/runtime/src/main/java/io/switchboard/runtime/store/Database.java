package io.switchboard.runtime.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.switchboard.runtime.config.SwitchboardConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's PostgreSQL: an external server when {@code switchboard.db.url} is set, otherwise an
 * embedded one whose files live under the data directory so that data survives a restart. Opens
 * a HikariCP pool and applies the Flyway migrations before anything uses it.
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private final SwitchboardConfig config;
  private EmbeddedPostgres embedded;
  private HikariDataSource pool;

  public Database(SwitchboardConfig config) {
    this.config = config;
  }

  /** Starts (or connects to) PostgreSQL, opens the pool and migrates the schema. */
  public void start() throws IOException {
    long t0 = System.nanoTime();
    HikariConfig hc = new HikariConfig();
    String url = config.get(SwitchboardConfig.DB_URL).orElse(null);
    if (url == null) {
      Path dir = config.path(SwitchboardConfig.DATA_DIR).resolve("postgres");
      Files.createDirectories(dir);
      embedded = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setPort(config.intValue(SwitchboardConfig.DB_EMBEDDED_PORT))
          .setPGStartupWait(Duration.ofSeconds(60))
          // io.zonky defaults to synchronous_commit=off; the pipeline commits Kafka offsets after the
          // database commit, so that commit must be on disk.
          .setServerConfig("synchronous_commit", "on")
          .start();
      hc.setJdbcUrl(embedded.getJdbcUrl("postgres", "postgres"));
      LOG.info("Embedded PostgreSQL on port {} with data in {}", embedded.getPort(), dir);
    } else {
      hc.setJdbcUrl(url);
      config.get(SwitchboardConfig.DB_USER).ifPresent(hc::setUsername);
      config.get(SwitchboardConfig.DB_PASSWORD).ifPresent(hc::setPassword);
    }
    hc.setPoolName("switchboard");
    hc.setMaximumPoolSize(config.intValue(SwitchboardConfig.DB_POOL_SIZE));
    hc.setConnectionTimeout(10_000);
    hc.setInitializationFailTimeout(30_000);
    pool = new HikariDataSource(hc);
    var result = Flyway.configure().dataSource(pool).locations("classpath:db/migration").load().migrate();
    LOG.info("PostgreSQL ready in {} ms (schema version {}, {} migration(s) applied)",
        (System.nanoTime() - t0) / 1_000_000, result.targetSchemaVersion, result.migrationsExecuted);
  }

  public DataSource dataSource() {
    if (pool == null) {
      throw new IllegalStateException("database not started");
    }
    return pool;
  }

  /** Whether a connection can be had and answers now. */
  public boolean isHealthy() {
    if (pool == null || pool.isClosed()) {
      return false;
    }
    try (var c = pool.getConnection()) {
      return c.isValid(2);
    } catch (Exception e) {
      return false;
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
      }
      embedded = null;
    }
  }
}
