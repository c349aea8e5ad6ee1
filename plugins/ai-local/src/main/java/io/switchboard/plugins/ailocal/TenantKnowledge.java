package io.switchboard.plugins.ailocal;

import io.switchboard.api.KnowledgeDocument;
import io.switchboard.api.Passage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every tenant's knowledge-base passages, one {@link PassageIndex} per tenant, replaced whole on
 * every change (copy-on-write): searches read whichever index is current and never wait for an
 * upsert, whose embedding runs before the swap. Held by {@link PluginResources}, so that the
 * {@link KnowledgeBase} extension the hub pushes documents to and the {@code ai.kb} steps search the
 * same passages. Thread-safe.
 */
final class TenantKnowledge {

  private final ConcurrentHashMap<String, PassageIndex> byTenant = new ConcurrentHashMap<>();

  /** Chunks and embeds the document, then swaps it into the tenant's index. */
  void upsert(String tenantId, KnowledgeDocument doc, BatchEmbedder embedder) {
    List<Chunker.Chunk> chunks = Chunker.chunks(doc);
    float[][] vectors = embed(chunks, embedder);
    byTenant.compute(tenantId, (t, old) -> (old == null ? PassageIndex.EMPTY : old).with(doc.id(), chunks, vectors));
  }

  void delete(String tenantId, String documentId) {
    byTenant.computeIfPresent(tenantId, (t, old) -> {
      PassageIndex next = old.without(documentId);
      return next.documentCount() == 0 ? null : next;
    });
  }

  /** The tenant's index; empty when it has no documents. */
  PassageIndex index(String tenantId) {
    return byTenant.getOrDefault(tenantId, PassageIndex.EMPTY);
  }

  List<Passage> search(String tenantId, float[] query, int k) {
    return index(tenantId).search(query, k);
  }

  void clear() {
    byTenant.clear();
  }

  /** The chunks' embeddings, in one batched call. */
  static float[][] embed(List<Chunker.Chunk> chunks, BatchEmbedder embedder) {
    if (chunks.isEmpty()) {
      return new float[0][];
    }
    List<String> texts = new ArrayList<>(chunks.size());
    for (Chunker.Chunk c : chunks) {
      texts.add(c.embedText());
    }
    return embedder.embed(texts);
  }
}
