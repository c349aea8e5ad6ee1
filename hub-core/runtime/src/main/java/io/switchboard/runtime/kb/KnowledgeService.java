package io.switchboard.runtime.kb;

import io.switchboard.api.KnowledgeDocument;
import io.switchboard.api.KnowledgeIndex;
import io.switchboard.api.Passage;
import io.switchboard.pluginloader.PluginCalls;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenants' knowledge-base documents: stored in {@code kb_documents} (the system of record) and pushed
 * to the {@link KnowledgeIndex} extensions of the started plugins, which search them.
 *
 * <ul>
 *   <li>A {@link #put} or {@link #delete} on this hub is pushed to the indexes in the same call, so
 *       that a search right after it sees the change; an index refusing the document (an FAQ that is
 *       not a {@code question,answer} CSV) rolls the write back.
 *   <li>Every index that appears (at start, when a plugin providing one is installed, enabled or
 *       restarted) is fed every stored document, in the background.
 *   <li>Every {@code poll} it reads the rows changed since it last looked ({@code updated_at}, with
 *       an overlap for transactions that commit late), so that hubs sharing one database converge.
 * </ul>
 *
 * <p>Pushes are serialised and a document is only ever replaced by a newer version of itself.
 * Thread-safe.
 */
public final class KnowledgeService implements AutoCloseable {

  /** Configuration keys (switchboard-defaults.properties, docs/configuration.md). */
  public static final String MAX_DOCUMENT_BYTES = "switchboard.kb.max-document-bytes";
  public static final String POLL_MS = "switchboard.kb.poll-ms";

  private static final Logger LOG = LoggerFactory.getLogger(KnowledgeService.class);
  /** How far back each poll looks before the newest change it has seen: commits can land late. */
  static final Duration POLL_OVERLAP = Duration.ofSeconds(30);

  /** A stored document, without its text in lists. */
  public record StoredDocument(String tenantId, String id, String title, String source, String text, int bytes,
      Instant updatedAt) {}

  /** No started plugin provides a {@link KnowledgeIndex}. */
  public static final class NoIndexException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoIndexException() {
      super("no plugin provides a knowledge index", null, false, false);
    }
  }

  /** What a put did. */
  public record Put(StoredDocument document, boolean created) {}

  private final DataSource dataSource;
  private final Supplier<List<KnowledgeIndex>> provided;
  private final Duration poll;
  private final ScheduledExecutorService background;
  private volatile List<KnowledgeIndex> indexes = List.of();

  /** Guards pushes to the indexes and {@link #applied}. */
  private final Object pushLock = new Object();
  /** The version of each document (tenant NUL id) the indexes have, deleted ones included. */
  private final Map<String, Instant> applied = new HashMap<>();
  private volatile Instant lastSeen = Instant.EPOCH;

  /**
   * @param provided the KnowledgeIndex extensions of the started plugins, asked again on
   *     {@link #pluginsChanged}
   */
  public KnowledgeService(DataSource dataSource, Supplier<List<KnowledgeIndex>> provided, Duration poll) {
    this.dataSource = dataSource;
    this.provided = provided;
    this.poll = poll;
    this.background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "switchboard-kb");
      t.setDaemon(true);
      return t;
    });
  }

  /** Feeds the indexes there are now, then polls for other hubs' changes. */
  public KnowledgeService start() {
    pluginsChanged();
    background.scheduleWithFixedDelay(this::pollSafely, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** Whether any started plugin provides an index. */
  public boolean available() {
    return !indexes.isEmpty();
  }

  /**
   * Call after every change of the started plugins: indexes that were not there before (a new
   * plugin, or one restarted: its extensions are new instances) get every stored document.
   */
  public void pluginsChanged() {
    List<KnowledgeIndex> now = List.copyOf(provided.get());
    List<KnowledgeIndex> before = indexes;
    indexes = now;
    for (KnowledgeIndex index : now) {
      if (before.stream().noneMatch(b -> b == index)) {
        background.execute(() -> reload(index));
      }
    }
  }

  /** Every stored document into one (new) index. */
  private void reload(KnowledgeIndex index) {
    long t0 = System.nanoTime();
    int n = 0;
    int failed = 0;
    synchronized (pushLock) {
      try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
          "select tenant_id, document_id, title, source, text, updated_at from kb_documents where not deleted")) {
        ps.setFetchSize(100);
        c.setAutoCommit(false);
        Instant newest = lastSeen;
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String tenant = rs.getString(1);
            KnowledgeDocument doc = new KnowledgeDocument(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
            Instant at = rs.getTimestamp(6).toInstant();
            try {
              PluginCalls.call(index, () -> {
                index.upsert(tenant, doc);
                return null;
              });
              n++;
            } catch (RuntimeException e) {
              failed++;
              LOG.warn("Knowledge index {} refused document {} of tenant {}: {}", index.getClass().getName(), doc.id(),
                  tenant, e.toString());
            }
            applied.merge(key(tenant, doc.id()), at, (a, b) -> a.isAfter(b) ? a : b);
            newest = newest.isAfter(at) ? newest : at;
          }
        }
        c.commit();
        lastSeen = newest;
      } catch (SQLException e) {
        LOG.error("Could not load the knowledge-base documents into {}; they are loaded when it restarts",
            index.getClass().getName(), e);
        return;
      }
    }
    LOG.info("Loaded {} knowledge-base document(s) into {} in {} ms{}", n, index.getClass().getName(),
        (System.nanoTime() - t0) / 1_000_000, failed == 0 ? "" : " (" + failed + " refused)");
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException | SQLException e) {
      LOG.warn("Polling knowledge-base changes failed; retrying in {} ms: {}", poll.toMillis(), e.toString());
    }
  }

  /**
   * Pushes the rows changed since the last poll (by another hub, or missed) to the indexes. The
   * overlap re-reads recent rows every time, so it reads their versions only, and a text only for a
   * version the indexes do not have yet.
   */
  void poll() throws SQLException {
    if (indexes.isEmpty()) {
      return;
    }
    Instant since = lastSeen.minus(POLL_OVERLAP);
    List<Object[]> changed = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select tenant_id, document_id, updated_at from kb_documents where updated_at > ? order by updated_at")) {
      ps.setTimestamp(1, Timestamp.from(since.isBefore(Instant.EPOCH) ? Instant.EPOCH : since));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          changed.add(new Object[] {rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant()});
        }
      }
    }
    for (Object[] row : changed) {
      String tenant = (String) row[0];
      String id = (String) row[1];
      Instant at = (Instant) row[2];
      if (!isNewer(tenant, id, at)) {
        continue;
      }
      try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
          "select title, source, text, updated_at, deleted from kb_documents where tenant_id = ? and document_id = ?")) {
        ps.setString(1, tenant);
        ps.setString(2, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            // the row as it is now, which may be newer still
            push(tenant, new KnowledgeDocument(id, rs.getString(1), rs.getString(2), rs.getString(3)), rs.getBoolean(5),
                rs.getTimestamp(4).toInstant());
          }
        }
      } catch (RuntimeException e) {
        LOG.warn("Knowledge index refused document {} of tenant {}: {}", id, tenant, e.toString());
      }
      lastSeen = lastSeen.isAfter(at) ? lastSeen : at;
    }
  }

  private boolean isNewer(String tenant, String id, Instant version) {
    synchronized (pushLock) {
      Instant have = applied.get(key(tenant, id));
      return have == null || version.isAfter(have);
    }
  }

  /**
   * Pushes one version of a document to every index, unless they already have it or a newer one.
   *
   * @throws RuntimeException what an index threw (an IllegalArgumentException: it refuses the document)
   */
  private void push(String tenant, KnowledgeDocument doc, boolean deleted, Instant version) {
    synchronized (pushLock) {
      if (!isNewer(tenant, doc.id(), version)) {
        return;
      }
      for (KnowledgeIndex index : indexes) {
        PluginCalls.call(index, () -> {
          if (deleted) {
            index.delete(tenant, doc.id());
          } else {
            index.upsert(tenant, doc);
          }
          return null;
        });
      }
      applied.put(key(tenant, doc.id()), version);
    }
  }

  private static String key(String tenant, String id) {
    return tenant + '\u0000' + id;
  }

  /**
   * Stores a document and indexes it; both or neither.
   *
   * @throws IllegalArgumentException an index refused it (the message says why); nothing is stored
   * @throws NoIndexException no plugin provides an index
   */
  public Put put(String tenant, KnowledgeDocument doc) throws SQLException {
    requireIndex();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        boolean created;
        try (PreparedStatement ps = c.prepareStatement(
            "select deleted from kb_documents where tenant_id = ? and document_id = ? for update")) {
          ps.setString(1, tenant);
          ps.setString(2, doc.id());
          try (ResultSet rs = ps.executeQuery()) {
            created = !rs.next() || rs.getBoolean(1);
          }
        }
        Instant at;
        // updated_at only ever grows for a document, even when hubs' clocks disagree
        try (PreparedStatement ps = c.prepareStatement("""
            insert into kb_documents (tenant_id, document_id, title, source, text, updated_at, deleted)
            values (?, ?, ?, ?, ?, clock_timestamp(), false)
            on conflict (tenant_id, document_id) do update set title = excluded.title, source = excluded.source,
              text = excluded.text, deleted = false,
              updated_at = greatest(clock_timestamp(), kb_documents.updated_at + interval '1 microsecond')
            returning updated_at""")) {
          ps.setString(1, tenant);
          ps.setString(2, doc.id());
          ps.setString(3, doc.title());
          ps.setString(4, doc.source());
          ps.setString(5, doc.text());
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            at = rs.getTimestamp(1).toInstant();
          }
        }
        push(tenant, doc, false, at);
        c.commit();
        return new Put(new StoredDocument(tenant, doc.id(), doc.title(), doc.source(), doc.text(),
            doc.text().getBytes(java.nio.charset.StandardCharsets.UTF_8).length, at), created);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /**
   * Deletes a document (a tombstone, for the other hubs) and takes it out of the indexes.
   *
   * @return false when the tenant has no such document
   */
  public boolean delete(String tenant, String id) throws SQLException {
    Instant at;
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
        update kb_documents set deleted = true, text = '', title = '', source = '',
          updated_at = greatest(clock_timestamp(), updated_at + interval '1 microsecond')
        where tenant_id = ? and document_id = ? and not deleted returning updated_at""")) {
      ps.setString(1, tenant);
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        at = rs.getTimestamp(1).toInstant();
      }
    }
    push(tenant, new KnowledgeDocument(id, "", "", ""), true, at);
    return true;
  }

  /** One document, with its text. */
  public Optional<StoredDocument> get(String tenant, String id) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select title, source, text, octet_length(text), updated_at from kb_documents"
            + " where tenant_id = ? and document_id = ? and not deleted")) {
      ps.setString(1, tenant);
      ps.setString(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new StoredDocument(tenant, id, rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getInt(4), rs.getTimestamp(5).toInstant()));
      }
    }
  }

  /**
   * Up to {@code limit} documents (text null) by id, from the first id after {@code after} (null:
   * from the start).
   */
  public List<StoredDocument> list(String tenant, String after, int limit) throws SQLException {
    List<StoredDocument> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select document_id, title, source, octet_length(text), updated_at from kb_documents"
            + " where tenant_id = ? and not deleted" + (after == null ? "" : " and document_id > ?")
            + " order by document_id limit ?")) {
      int i = 1;
      ps.setString(i++, tenant);
      if (after != null) {
        ps.setString(i++, after);
      }
      ps.setInt(i, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new StoredDocument(tenant, rs.getString(1), rs.getString(2), rs.getString(3), null, rs.getInt(4),
              rs.getTimestamp(5).toInstant()));
        }
      }
    }
    return out;
  }

  /**
   * The tenant's passages nearest the query, from the first index.
   *
   * @throws NoIndexException no plugin provides an index
   */
  public List<Passage> search(String tenant, String query, int k) {
    KnowledgeIndex index = requireIndex();
    return PluginCalls.call(index, () -> index.search(tenant, query, k));
  }

  private KnowledgeIndex requireIndex() {
    List<KnowledgeIndex> now = indexes;
    if (now.isEmpty()) {
      throw new NoIndexException();
    }
    return now.get(0);
  }

  @Override
  public void close() {
    background.shutdownNow();
  }

  @Override
  public String toString() {
    return "KnowledgeService";
  }
}
