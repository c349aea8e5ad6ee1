package io.switchboard.api;

import java.util.List;
import org.pf4j.ExtensionPoint;

/**
 * A tenant-scoped knowledge base a plugin provides: the hub stores each tenant's documents (the
 * {@code /api/v1/tenants/{t}/kb} API) and pushes them here; workflow steps and the search API ask
 * it for the passages nearest to a question.
 *
 * <p>Documents are addressed per tenant: the same document id under two tenants is two documents,
 * and {@link #search} never returns another tenant's passages.
 *
 * <p>The hub is the system of record: an index may keep everything in memory, because the hub
 * upserts every stored document again whenever the providing plugin (re)starts.
 *
 * <p>Threading: one instance serves all tenants; every method may be called concurrently, searches
 * while documents are being upserted. {@link #upsert} may take a while (it embeds the text) and is
 * never called on a request thread that waits for a workflow.
 */
public interface KnowledgeIndex extends ExtensionPoint {

  /**
   * Adds a document, or replaces the one with the same id: afterwards searches see its new text and
   * none of its old passages.
   *
   * @throws IllegalArgumentException when the document cannot be indexed, saying why
   */
  void upsert(String tenantId, KnowledgeDocument doc);

  /** Removes a document; no-op when the tenant has none with that id. */
  void delete(String tenantId, String documentId);

  /**
   * The tenant's {@code k} passages most similar to the query, best first. Empty when the tenant
   * has no documents or the query is blank.
   *
   * @param k at least 1
   */
  List<Passage> search(String tenantId, String query, int k);
}
