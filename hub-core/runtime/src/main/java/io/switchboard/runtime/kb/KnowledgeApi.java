package io.switchboard.runtime.kb;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.KnowledgeDocument;
import io.switchboard.api.Passage;
import io.switchboard.runtime.http.ApiError;
import io.switchboard.runtime.http.JsonBodies;
import io.switchboard.runtime.http.ReadApi;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The knowledge-base part of the REST API, under {@code /api/v1/tenants/{tenant}/kb}: a tenant's
 * documents (put, list, get, delete) and a search over them. The routes (HubRoutes) authorise the
 * tenant's API key first, as for the read API; every call here is for that tenant only.
 */
public final class KnowledgeApi {

  /** The largest {@code k} of a search. */
  public static final int MAX_K = 50;
  public static final int DEFAULT_K = 5;
  /** A search body is a query, not a document. */
  public static final int MAX_SEARCH_BODY = 64 * 1024;

  private static final Pattern DOCUMENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final int MAX_TITLE = 500;
  private static final int MAX_QUERY = 4096;

  private final KnowledgeService service;
  private final int maxDocumentBytes;

  public KnowledgeApi(KnowledgeService service, int maxDocumentBytes) {
    this.service = service;
    this.maxDocumentBytes = maxDocumentBytes;
  }

  /**
   * The most a PUT body may carry: the document's limit, with room for JSON's quoting of it. The
   * text itself is held to {@code maxDocumentBytes} once decoded.
   */
  public int maxBodyBytes() {
    return maxDocumentBytes * 2 + MAX_SEARCH_BODY;
  }

  /** A 413 in this API's words, for a body the route refused to read whole. */
  public ApiError tooLarge(String bytes) {
    return new ApiError(413, "document_too_large", "the body is " + bytes + " bytes; a knowledge-base document may be"
        + " at most " + maxDocumentBytes + " bytes of text (switchboard.kb.max-document-bytes)");
  }

  /**
   * {@code PUT .../kb/documents/{id}}: a JSON body {@code {"title", "text", "source"?}}, or the text
   * itself (text/markdown, text/plain, text/csv) with {@code ?title=} and {@code ?source=}.
   *
   * @return the answer's status (201 created, 200 replaced) and body
   */
  public Map.Entry<Integer, Map<String, Object>> put(String tenant, String id, String contentType, String titleParam,
      String sourceParam, byte[] body) {
    checkId(id);
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    String title;
    String source;
    String text;
    if (type.isEmpty() || type.startsWith("application/json")) {
      JsonNode req = JsonBodies.object(body, "{\"title\": \"Password reset\", \"text\": \"# Password reset\\n...\"}");
      for (var it = req.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!Set.of("title", "text", "source").contains(f)) {
          throw ApiError.badRequest("unknown_field", "unknown field '" + f + "'; a document takes title, text and source");
        }
      }
      text = JsonBodies.text(req, "text", true);
      title = JsonBodies.text(req, "title", false);
      source = JsonBodies.text(req, "source", false);
    } else if (type.startsWith("text/")) {
      text = utf8(body);
      title = titleParam;
      source = sourceParam;
    } else {
      throw new ApiError(415, "unsupported_media_type", "send the document as application/json {\"title\", \"text\","
          + " \"source\"} or as text/markdown or text/plain with ?title=");
    }
    if (text.isBlank()) {
      throw ApiError.badRequest("missing_field", "'text' is required and must not be blank");
    }
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxDocumentBytes) {
      throw tooLarge(String.valueOf(bytes));
    }
    if (title != null && title.length() > MAX_TITLE) {
      throw ApiError.badRequest("invalid_field", "'title' is longer than " + MAX_TITLE + " characters");
    }
    if (source != null && source.length() > MAX_TITLE) {
      throw ApiError.badRequest("invalid_field", "'source' is longer than " + MAX_TITLE + " characters");
    }
    KnowledgeService.Put put;
    try {
      put = service.put(tenant, new KnowledgeDocument(id, title, source, text));
    } catch (KnowledgeService.NoIndexException e) {
      throw unavailable();
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("invalid_document", "the document cannot be indexed: " + e.getMessage());
    } catch (SQLException e) {
      throw storeUnavailable();
    }
    return Map.entry(put.created() ? 201 : 200, view(put.document(), false));
  }

  /** {@code GET .../kb/documents}: a page of documents by id, without their text. */
  public Map<String, Object> list(String tenant, String limitParam, String cursorParam) {
    int limit = ReadApi.parseLimit(limitParam);
    String after = cursorParam == null || cursorParam.isEmpty() ? null : decodeCursor(cursorParam);
    List<KnowledgeService.StoredDocument> docs;
    try {
      docs = service.list(tenant, after, limit + 1);
    } catch (SQLException e) {
      throw storeUnavailable();
    }
    String next = null;
    if (docs.size() > limit) {
      docs = docs.subList(0, limit);
      next = Base64.getUrlEncoder().withoutPadding().encodeToString(docs.get(limit - 1).id().getBytes(StandardCharsets.UTF_8));
    }
    List<Map<String, Object>> items = new ArrayList<>();
    for (KnowledgeService.StoredDocument d : docs) {
      items.add(view(d, false));
    }
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("items", items);
    page.put("nextCursor", next);
    return page;
  }

  /** {@code GET .../kb/documents/{id}}: the document with its text. */
  public Map<String, Object> get(String tenant, String id) {
    try {
      return service.get(tenant, id).map(d -> view(d, true)).orElseThrow(() -> notFound(id));
    } catch (SQLException e) {
      throw storeUnavailable();
    }
  }

  /** {@code DELETE .../kb/documents/{id}}. */
  public void delete(String tenant, String id) {
    try {
      if (!service.delete(tenant, id)) {
        throw notFound(id);
      }
    } catch (SQLException e) {
      throw storeUnavailable();
    }
  }

  /** {@code POST .../kb/search}: {@code {"query": "...", "k": 5}} to the passages found, best first. */
  public Map<String, Object> search(String tenant, byte[] body) {
    JsonNode req = JsonBodies.object(body, "{\"query\": \"how do I reset my password\", \"k\": 3}");
    for (var it = req.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!Set.of("query", "k").contains(f)) {
        throw ApiError.badRequest("unknown_field", "unknown field '" + f + "'; a search takes query and k");
      }
    }
    String query = JsonBodies.text(req, "query", true);
    if (query.length() > MAX_QUERY) {
      throw ApiError.badRequest("invalid_field", "'query' is longer than " + MAX_QUERY + " characters");
    }
    int k = DEFAULT_K;
    JsonNode kNode = req.get("k");
    if (kNode != null && !kNode.isNull()) {
      if (!kNode.canConvertToInt() || !kNode.isIntegralNumber() || kNode.intValue() < 1 || kNode.intValue() > MAX_K) {
        throw ApiError.badRequest("invalid_field", "'k' must be a whole number from 1 to " + MAX_K);
      }
      k = kNode.intValue();
    }
    List<Passage> found;
    try {
      found = service.search(tenant, query, k);
    } catch (KnowledgeService.NoIndexException e) {
      throw unavailable();
    }
    List<Map<String, Object>> passages = new ArrayList<>();
    for (Passage p : found) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("documentId", p.documentId());
      m.put("title", p.title());
      m.put("source", p.source());
      m.put("text", p.text());
      m.put("score", Math.round(p.score() * 10_000) / 10_000.0);
      passages.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("query", query);
    out.put("passages", passages);
    return out;
  }

  private static Map<String, Object> view(KnowledgeService.StoredDocument d, boolean withText) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", d.id());
    m.put("title", d.title());
    m.put("source", d.source());
    m.put("bytes", d.bytes());
    m.put("updatedAt", d.updatedAt().toString());
    if (withText) {
      m.put("text", d.text());
    }
    return m;
  }

  private static void checkId(String id) {
    if (!DOCUMENT_ID.matcher(id).matches()) {
      throw ApiError.badRequest("invalid_document_id", "document ids are 1 to 128 letters, digits, '.', '_' and '-',"
          + " starting with a letter or digit; got '" + id + "'");
    }
  }

  private static String utf8(byte[] body) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      throw ApiError.badRequest("invalid_encoding", "the document must be UTF-8 text");
    }
  }

  private static String decodeCursor(String s) {
    try {
      String id = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
      if (DOCUMENT_ID.matcher(id).matches()) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw ApiError.badRequest("invalid_cursor", "cursor is not one this API returned; start again without it");
  }

  private static ApiError notFound(String id) {
    return ApiError.notFound("document_not_found", "no knowledge-base document '" + id + "'");
  }

  private static ApiError unavailable() {
    return new ApiError(503, "kb_unavailable", "no plugin provides a knowledge index on this hub; install the"
        + " ai-local plugin (POST /api/v1/plugins) to store and search knowledge-base documents");
  }

  private static ApiError storeUnavailable() {
    return ApiError.unavailable("store_unavailable", "the store is not answering; retry later", 5);
  }
}
