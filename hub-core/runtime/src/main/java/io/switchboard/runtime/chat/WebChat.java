package io.switchboard.runtime.chat;

import io.switchboard.api.ActionPerformer;
import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.OutboundMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import io.switchboard.runtime.http.ApiError;
import io.switchboard.runtime.http.ReadApi;
import io.switchboard.runtime.http.WebhookIngress;
import io.switchboard.runtime.scoring.ScoreStore;
import io.switchboard.runtime.spine.Spine;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantRegistry;
import io.switchboard.runtime.util.Ids;
import io.switchboard.runtime.util.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Web chat: the hub is the provider. Visitors open a session from the tenant's chat widget and
 * post messages, which are queued through the webhook's dedupe path and run through the tenant's
 * workflow like any channel's; the workflow's replies, agents' replies and notices are appended to
 * the session's transcript and pushed to the widget's event stream ({@link ChatEvents}). A workflow
 * hands a session to a person with the {@code chat.handoff} step; from then on bot replies are
 * recorded as suppressed and only agents answer, through the agent API.
 *
 * <p>It is the connector {@value #ID} for the action dispatcher ({@link #connector()}: a reply to a
 * web chat interaction is a transcript row) and performs the {@code chat.handoff} action
 * ({@link #handoffPerformer()}). See ADR 0010 for why this is built in rather than a plugin.
 */
public final class WebChat {

  public static final String ID = "webchat";
  public static final String HANDOFF = "chat.handoff";
  public static final int MAX_TEXT = 4000;
  static final String ADDRESS_PREFIX = "webchat:";
  private static final Logger LOG = LoggerFactory.getLogger(WebChat.class);
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String DEFAULT_HANDOFF_NOTICE = "A person will join the conversation shortly.";
  private static final String CLOSED_NOTICE = "This conversation is closed.";

  private final DataSource dataSource;
  private final Supplier<TenantRegistry> tenants;
  private final Spine spine;
  private volatile WebhookIngress ingress;
  /** Live event streams by tenant/session: woken when the session's transcript grows. */
  private final Map<String, Set<Runnable>> listeners = new ConcurrentHashMap<>();

  public WebChat(DataSource dataSource, Supplier<TenantRegistry> tenants, Spine spine) {
    this.dataSource = dataSource;
    this.tenants = tenants;
    this.spine = spine;
  }

  /** Visitor messages are queued through this, once it is up. */
  public void bind(WebhookIngress ingress) {
    this.ingress = ingress;
  }

  /** A session as the APIs show it. */
  public record Session(String tenant, UUID id, String status, Map<String, Object> visitor, String agent,
      Instant createdAt, Instant updatedAt, String tokenHash) {
    public Map<String, Object> view() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sessionId", id);
      m.put("status", status);
      m.put("visitor", visitor);
      m.put("agent", agent);
      m.put("address", ADDRESS_PREFIX + id);
      m.put("createdAt", createdAt.toString());
      m.put("updatedAt", updatedAt.toString());
      return m;
    }
  }

  // ---- visitor side ----

  /** The tenant's web chat settings; 404 when the tenant is unknown or has no web chat. */
  public ChannelSettings settings(String tenantId) {
    Tenant t = tenants.get().find(tenantId)
        .orElseThrow(() -> ApiError.notFound("unknown_tenant", "no tenant '" + tenantId + "'"));
    return t.channel(ID).orElseThrow(() -> ApiError.notFound("channel_not_enabled",
        "tenant '" + tenantId + "' has no web chat; add channels.webchat to its file"));
  }

  /** Whether a browser page at {@code origin} may call the tenant's chat API (no Origin: not a browser). */
  public boolean originAllowed(ChannelSettings settings, String origin) {
    if (origin == null) {
      return true;
    }
    List<String> allowed = settings.list("allowedOrigins");
    return allowed.contains("*") || allowed.contains(origin);
  }

  /**
   * Opens a session: 201 {@code {sessionId, token, status, ...}}. The token is shown once; only its
   * hash is stored.
   */
  public Map<String, Object> open(String tenantId, Map<String, Object> body) {
    settings(tenantId);
    Map<String, Object> visitor = new LinkedHashMap<>();
    for (String k : List.of("name", "email")) {
      Object v = body.get(k);
      if (v != null) {
        if (!(v instanceof String s) || s.length() > 200) {
          throw ApiError.badRequest("invalid_field", "field '" + k + "' must be a string of at most 200 characters");
        }
        visitor.put(k, s.strip());
      }
    }
    if (body.get("metadata") != null) {
      if (!(body.get("metadata") instanceof Map<?, ?> meta) || meta.size() > 20) {
        throw ApiError.badRequest("invalid_field", "field 'metadata' must be an object of at most 20 entries");
      }
      visitor.put("metadata", meta);
    }
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    UUID id = Ids.newId();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "insert into chat_sessions (tenant_id, id, token_hash, visitor) values (?, ?, ?, ?::jsonb)")) {
      ps.setString(1, tenantId);
      ps.setObject(2, id);
      ps.setString(3, hash(token));
      ps.setString(4, Json.write(visitor));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw unavailable(e);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("sessionId", id);
    out.put("token", token);
    out.put("status", "open");
    out.put("events", "/chat/" + tenantId + "/sessions/" + id + "/events");
    out.put("messages", "/chat/" + tenantId + "/sessions/" + id + "/messages");
    return out;
  }

  /** The session the visitor's token opens; 401 without it, 404 when it is not this session's. */
  public Session authorize(String tenantId, String sessionId, String token) {
    settings(tenantId);
    if (token == null || token.isBlank()) {
      throw new ApiError(401, "unauthorized", "send the session's token as 'Authorization: Bearer <token>' (or ?token= for EventSource)");
    }
    Session s = find(tenantId, sessionId).orElse(null);
    if (s == null || !MessageDigest.isEqual(s.tokenHash().getBytes(StandardCharsets.US_ASCII),
        hash(token.strip()).getBytes(StandardCharsets.US_ASCII))) {
      throw new ApiError(401, "unauthorized", "the token is not this session's");
    }
    return s;
  }

  /**
   * A visitor's message: queued for the workflow (deduplicated on its {@code clientMessageId}) and
   * added to the transcript. Answers {@code {messageId, duplicate}}.
   */
  public Map<String, Object> visitorMessage(Session session, Map<String, Object> body) {
    Object text = body.get("text");
    if (!(text instanceof String t) || t.isBlank()) {
      throw ApiError.badRequest("missing_field", "field 'text' is required, e.g. {\"text\": \"Hi\", \"clientMessageId\": \"m-1\"}");
    }
    if (t.length() > MAX_TEXT) {
      throw ApiError.badRequest("text_too_long", "field 'text' has " + t.length() + " characters; at most " + MAX_TEXT);
    }
    Object cid = body.get("clientMessageId");
    String clientId;
    if (cid == null) {
      clientId = UUID.randomUUID().toString();
    } else if (cid instanceof String s && CLIENT_ID.matcher(s).matches()) {
      clientId = s;
    } else {
      throw ApiError.badRequest("invalid_field", "field 'clientMessageId' must be 1-100 letters, digits, '.', '_', ':' or '-'");
    }
    if ("closed".equals(session.status())) {
      throw new ApiError(409, "session_closed", "the session is closed; open a new one with POST /chat/" + session.tenant() + "/sessions");
    }
    WebhookIngress in = ingress;
    if (in == null) {
      throw ApiError.unavailable("starting", "the hub is starting; retry shortly", 2);
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("sessionId", session.id().toString());
    session.visitor().forEach((k, v) -> {
      if (v instanceof String s) {
        attributes.put("visitor" + Character.toUpperCase(k.charAt(0)) + k.substring(1), s);
      }
    });
    InboundMessage m = new InboundMessage(ID, session.id() + "/" + clientId, ADDRESS_PREFIX + session.id(), null,
        t.strip(), List.of(), Instant.now(), attributes, InboundMessage.Kind.MESSAGE);
    // queued first: a message in the transcript has always reached the workflow (a retry after a
    // failed transcript write finds the dedupe mark and only writes the transcript)
    in.accept(session.tenant(), ID, List.of(m), UUID.randomUUID().toString());
    Long seq = insertMessage(session.tenant(), session.id(), "in", "visitor", null, t.strip(), clientId, null);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("messageId", clientId);
    out.put("duplicate", seq == null);
    return out;
  }

  // ---- transcript and streams ----

  /** One transcript entry as the APIs and the event stream show it. */
  static Map<String, Object> entry(ResultSet rs) throws SQLException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", rs.getLong("seq"));
    m.put("direction", rs.getString("direction"));
    m.put("author", rs.getString("author"));
    if (rs.getString("agent") != null) {
      m.put("agent", rs.getString("agent"));
    }
    m.put("text", rs.getString("text"));
    if (rs.getString("client_id") != null) {
      m.put("clientMessageId", rs.getString("client_id"));
    }
    m.put("at", rs.getTimestamp("created_at").toInstant().toString());
    return m;
  }

  /** Transcript entries after {@code after} (0: from the start), oldest first, at most {@code limit}. */
  public List<Map<String, Object>> entries(String tenant, UUID session, long after, int limit, boolean outboundOnly) {
    String sql = "select seq, direction, author, agent, text, client_id, created_at from chat_messages"
        + " where tenant_id = ? and session_id = ? and seq > ?" + (outboundOnly ? " and direction = 'out'" : "")
        + " order by seq limit ?";
    List<Map<String, Object>> out = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, tenant);
      ps.setObject(2, session);
      ps.setLong(3, after);
      ps.setInt(4, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(entry(rs));
        }
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
    return out;
  }

  /** A page of the transcript: {@code {items, nextAfter}} (nextAfter null at the end). */
  public Map<String, Object> transcript(String tenant, UUID session, String afterParam, String limitParam) {
    long after;
    try {
      after = afterParam == null || afterParam.isBlank() ? 0 : Long.parseLong(afterParam);
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("invalid_parameter", "after must be a message id (a number), got '" + afterParam + "'");
    }
    int limit = ReadApi.parseLimit(limitParam);
    List<Map<String, Object>> items = entries(tenant, session, after, limit + 1, false);
    Object next = null;
    if (items.size() > limit) {
      items = new ArrayList<>(items.subList(0, limit));
      next = items.get(limit - 1).get("id");
    }
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("items", items);
    page.put("nextAfter", next);
    return page;
  }

  /** Registers a live stream's wake-up; the returned handle unregisters it. */
  AutoCloseable listen(String tenant, UUID session, Runnable wake) {
    String key = tenant + "/" + session;
    listeners.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(wake);
    return () -> listeners.computeIfPresent(key, (k, set) -> {
      set.remove(wake);
      return set.isEmpty() ? null : set;
    });
  }

  private void wake(String tenant, UUID session) {
    Set<Runnable> set = listeners.get(tenant + "/" + session);
    if (set != null) {
      set.forEach(Runnable::run);
    }
  }

  /** Appends to the transcript; the new entry's id, or null when the client or action id is already there. */
  private Long insertMessage(String tenant, UUID session, String direction, String author, String agent, String text,
      String clientId, UUID actionId) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      // the session's row lock first, then the entry's id: entries of one session commit in id order,
      // so a stream that has read id n never misses an entry below n that commits later
      try (PreparedStatement ps = c.prepareStatement("update chat_sessions set updated_at = now() where tenant_id = ? and id = ?")) {
        ps.setString(1, tenant);
        ps.setObject(2, session);
        ps.executeUpdate();
      }
      Long seq = insertMessage(c, tenant, session, direction, author, agent, text, clientId, actionId);
      c.commit();
      if (seq != null && "out".equals(direction)) {
        wake(tenant, session);
      }
      return seq;
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  private static Long insertMessage(Connection c, String tenant, UUID session, String direction, String author, String agent,
      String text, String clientId, UUID actionId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("""
        insert into chat_messages (tenant_id, session_id, direction, author, agent, text, client_id, action_id)
        values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning seq""")) {
      ps.setString(1, tenant);
      ps.setObject(2, session);
      ps.setString(3, direction);
      ps.setString(4, author);
      ps.setString(5, agent);
      ps.setString(6, text);
      ps.setString(7, clientId);
      ps.setObject(8, actionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  // ---- agent side ----

  /** A page of the tenant's sessions, most recently active first, optionally of one status. */
  public Map<String, Object> sessions(String tenant, String status, String limitParam, String cursorParam) {
    if (status != null && !Set.of("open", "agent", "closed").contains(status)) {
      throw ApiError.badRequest("invalid_parameter", "status must be open, agent or closed, got '" + status + "'");
    }
    String select = "select tenant_id, id, status, visitor::text, agent, created_at, updated_at, token_hash from chat_sessions"
        + " where tenant_id = ?" + (status == null ? "" : " and status = ?");
    Map<String, Object> page = ReadApi.page(dataSource, select, "updated_at", tenant,
        status == null ? List.of() : List.of(status), limitParam, cursorParam, "updatedAt", rs -> {
          Map<String, Object> v = session(rs).view();
          v.put("id", v.get("sessionId"));
          return v;
        });
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> items = (List<Map<String, Object>>) page.get("items");
    items.forEach(m -> m.remove("id"));
    return page;
  }

  /** The session, for the agent API; 404 when the tenant has none of that id. */
  public Session require(String tenant, String sessionId) {
    return find(tenant, sessionId).orElseThrow(() -> ApiError.notFound("session_not_found", "no chat session '" + sessionId + "'"));
  }

  /** A person's reply: it takes the session over from the bot (status agent) and reaches the widget. */
  public Map<String, Object> agentReply(String tenant, String sessionId, Map<String, Object> body) {
    Session s = require(tenant, sessionId);
    Object text = body.get("text");
    if (!(text instanceof String t) || t.isBlank()) {
      throw ApiError.badRequest("missing_field", "field 'text' is required, e.g. {\"text\": \"Hi, I'm Sam\", \"agent\": \"sam\"}");
    }
    if (t.length() > MAX_TEXT) {
      throw ApiError.badRequest("text_too_long", "field 'text' has " + t.length() + " characters; at most " + MAX_TEXT);
    }
    String agent = body.get("agent") instanceof String a && !a.isBlank() ? a.strip() : null;
    if ("closed".equals(s.status())) {
      throw new ApiError(409, "session_closed", "the session is closed");
    }
    if (!"agent".equals(s.status()) || (agent != null && !agent.equals(s.agent()))) {
      transition(s, "agent", agent, null, "agent reply");
    }
    Long seq = insertMessage(tenant, s.id(), "out", "agent", agent, t.strip(), null, null);
    return Map.of("id", seq, "status", "agent");
  }

  /** Hands the session to a person (from the agent API or the workflow's chat.handoff). */
  public Map<String, Object> handoff(String tenant, String sessionId, String notice, String reason) {
    Session s = require(tenant, sessionId);
    if ("closed".equals(s.status())) {
      throw new ApiError(409, "session_closed", "the session is closed");
    }
    if (!"agent".equals(s.status())) {
      transition(s, "agent", null, notice == null || notice.isBlank() ? DEFAULT_HANDOFF_NOTICE : notice, reason);
    }
    return require(tenant, sessionId).view();
  }

  /** Closes the session: the visitor can post no more; the stream gets a last notice. */
  public Map<String, Object> close(String tenant, String sessionId) {
    Session s = require(tenant, sessionId);
    if (!"closed".equals(s.status())) {
      transition(s, "closed", s.agent(), CLOSED_NOTICE, "closed");
    }
    return require(tenant, sessionId).view();
  }

  /** Changes the status, adds the notice to the transcript and records the event, in one transaction. */
  private void transition(Session s, String status, String agent, String notice, String reason) {
    List<Spine.Message> events = new ArrayList<>();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement(
          "update chat_sessions set status = ?, agent = coalesce(?, agent), updated_at = now() where tenant_id = ? and id = ?")) {
        ps.setString(1, status);
        ps.setString(2, agent);
        ps.setString(3, s.tenant());
        ps.setObject(4, s.id());
        ps.executeUpdate();
      }
      if (notice != null) {
        insertMessage(c, s.tenant(), s.id(), "out", "system", null, notice, null, null);
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("sessionId", s.id().toString());
      fields.put("address", ADDRESS_PREFIX + s.id());
      fields.put("status", status);
      if (agent != null) {
        fields.put("agent", agent);
      }
      if (reason != null) {
        fields.put("reason", reason);
      }
      events.add(ScoreStore.appendEvent(c, s.tenant(), "closed".equals(status) ? "chat.closed" : HANDOFF, s.id(), fields,
          Instant.now()).message());
      c.commit();
    } catch (SQLException e) {
      throw unavailable(e);
    }
    wake(s.tenant(), s.id());
    try {
      spine.sendAll(events);
    } catch (Spine.SpineUnavailableException e) {
      // the event is stored; subscribers replaying from the events table still see it
      LOG.warn("Chat event for session {} of tenant {} stored but not published: {}", s.id(), s.tenant(), e.getMessage());
    }
  }

  // ---- lookups ----

  private Optional<Session> find(String tenant, String sessionId) {
    UUID id;
    try {
      id = UUID.fromString(sessionId);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select tenant_id, id, status, visitor::text, agent, created_at, updated_at, token_hash from chat_sessions"
            + " where tenant_id = ? and id = ?")) {
      ps.setString(1, tenant);
      ps.setObject(2, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(session(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  private static Session session(ResultSet rs) throws SQLException {
    try {
      return new Session(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3),
          Json.MAPPER.readValue(rs.getString(4), Json.MAP), rs.getString(5), rs.getTimestamp(6).toInstant(),
          rs.getTimestamp(7).toInstant(), rs.getString(8));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("stored visitor is not JSON", e);
    }
  }

  static String hash(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ApiError unavailable(SQLException e) {
    LOG.debug("Web chat store error", e);
    return ApiError.unavailable("store_unavailable", "the store is not answering; retry later", 5);
  }

  /** The session an address {@code webchat:<id>} names. */
  static UUID sessionOf(String address) throws WebhookException {
    if (address == null || !address.startsWith(ADDRESS_PREFIX)) {
      throw new WebhookException(400, "not_a_chat_address", "'" + address + "' is not a web chat address (webchat:<session id>)");
    }
    try {
      return UUID.fromString(address.substring(ADDRESS_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new WebhookException(400, "not_a_chat_address", "'" + address + "' names no session");
    }
  }

  // ---- the dispatcher's view ----

  /**
   * The connector the action dispatcher sends web chat replies through: a reply becomes a bot entry
   * of the transcript (once per action) and reaches the widget's stream; while a person has the
   * session, the bot's reply is suppressed (the action records it, the visitor does not see it).
   */
  public ChannelConnector connector() {
    return new ChannelConnector() {
      @Override
      public String id() {
        return ID;
      }

      @Override
      public Set<String> endpoints() {
        return Set.of("sessions");
      }

      @Override
      public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
        throw new WebhookException(404, "not_a_webhook", "web chat has no webhook; the widget uses /chat/{tenant}/sessions");
      }

      @Override
      public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) {
        return List.of();
      }

      @Override
      public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
        return WebhookResponse.ok();
      }

      @Override
      public OutboundMessage.Sent send(OutboundMessage message, ChannelSettings settings) throws WebhookException {
        UUID session = sessionOf(message.to());
        Session s = find(settings.tenantId(), session.toString())
            .orElseThrow(() -> new WebhookException(404, "session_not_found", "no chat session " + session));
        if (!"open".equals(s.status())) {
          return new OutboundMessage.Sent(null, "suppressed_" + s.status());
        }
        UUID action;
        try {
          action = UUID.fromString(message.idempotencyKey());
        } catch (IllegalArgumentException e) {
          action = UUID.nameUUIDFromBytes(message.idempotencyKey().getBytes(StandardCharsets.UTF_8));
        }
        String text = message.text();
        if (!message.mediaUrls().isEmpty()) {
          text = (text.isBlank() ? "" : text + "\n") + String.join("\n", message.mediaUrls());
        }
        Long seq = insertMessage(s.tenant(), session, "out", "bot", null, text, null, action);
        return new OutboundMessage.Sent(seq == null ? null : "chat-" + seq, seq == null ? "duplicate" : "delivered");
      }
    };
  }

  /** Performs {@code chat.handoff} actions of the workflow's step. */
  public ActionPerformer handoffPerformer() {
    return new ActionPerformer() {
      @Override
      public Set<String> types() {
        return Set.of(HANDOFF);
      }

      @Override
      public String connector() {
        return ID;
      }

      @Override
      public Map<String, Object> perform(String type, Map<String, Object> payload, String idempotencyKey,
          ChannelSettings settings) throws WebhookException {
        UUID session = sessionOf(String.valueOf(payload.get("address")));
        Object notice = payload.get("notice");
        Object reason = payload.get("reason");
        Map<String, Object> after;
        try {
          after = handoff(settings.tenantId(), session.toString(), notice == null ? null : notice.toString(),
              reason == null ? "workflow" : reason.toString());
        } catch (ApiError e) {
          // a closed or unknown session: 4xx, not retried; the store being down: 503, retried
          throw new WebhookException(e.status(), e.code(), e.getMessage());
        }
        return Map.of("sessionId", session.toString(), "status", after.get("status"));
      }
    };
  }
}
