package io.switchboard.plugins.ailocal;

import io.switchboard.api.KnowledgeDocument;
import io.switchboard.api.KnowledgeIndex;
import io.switchboard.api.Passage;
import io.switchboard.api.PluginContext;
import java.util.List;
import java.util.Objects;
import org.pf4j.Extension;

/**
 * The plugin's {@link KnowledgeIndex}: each tenant's documents chunked ({@link Chunker}), embedded
 * with the same BGE-small model {@code ai.intent} uses (one session per plugin,
 * {@link PluginResources}) and searched by brute-force cosine similarity in memory
 * ({@link PassageIndex}). Nothing is persisted here: the hub keeps the documents and upserts them
 * all again whenever this plugin starts. The {@code ai.kb} step searches the same passages.
 */
@Extension
public class KnowledgeBase implements KnowledgeIndex {

  static final int MAX_K = 100;

  private final PluginContext context;

  /** The hub passes the plugin's context to a public constructor that takes one. */
  public KnowledgeBase(PluginContext context) {
    this.context = context;
  }

  @Override
  public void upsert(String tenantId, KnowledgeDocument doc) {
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(doc, "doc");
    PluginResources resources = PluginResources.get();
    resources.knowledge().upsert(tenantId, doc, resources.embedder(context.configuration()));
  }

  @Override
  public void delete(String tenantId, String documentId) {
    PluginResources.get().knowledge().delete(tenantId, documentId);
  }

  @Override
  public List<Passage> search(String tenantId, String query, int k) {
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k must be between 1 and " + MAX_K + ", got " + k);
    }
    PluginResources resources = PluginResources.get();
    if (query == null || query.isBlank() || resources.knowledge().index(tenantId).documentCount() == 0) {
      return List.of();
    }
    float[] q = resources.embedder(context.configuration()).embed(List.of(query))[0];
    return resources.knowledge().search(tenantId, q, k);
  }
}
