package io.switchboard.runtime.chat;

import io.switchboard.api.ChannelSettings;
import io.switchboard.runtime.http.ApiError;
import io.switchboard.runtime.util.Json;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser side of web chat on the hub's Vert.x router, next to the Camel platform-http routes:
 * the widget's server-sent event stream ({@code GET /chat/{tenant}/sessions/{id}/events}) and the
 * CORS answers for every {@code /chat/} path (the tenant's {@code channels.webchat.allowedOrigins}).
 *
 * <p>A stream sends each outbound transcript entry (bot, agent and system) as an event whose
 * {@code id} is the entry's id, so that {@code EventSource} resumes after a reconnect with
 * {@code Last-Event-ID} and loses nothing; it is woken when this hub appends to the session and
 * also reads the store every {@value #POLL_MS} ms (another hub instance may have appended), and
 * sends a comment every {@value #HEARTBEAT_MS} ms so that proxies keep the connection.
 */
public final class ChatEvents {

  static final long POLL_MS = 2_000;
  static final long HEARTBEAT_MS = 15_000;
  private static final Logger LOG = LoggerFactory.getLogger(ChatEvents.class);

  private final WebChat chat;

  public ChatEvents(WebChat chat) {
    this.chat = chat;
  }

  /** Adds the CORS handler and the event stream to the router that serves platform-http. */
  public void install(Router router, Vertx vertx) {
    router.route("/chat/*").order(-100).handler(this::cors);
    router.route(HttpMethod.GET, "/chat/:tenant/sessions/:session/events").order(-99)
        .handler(ctx -> stream(ctx, vertx));
  }

  /** Browsers' preflights and the Access-Control headers for the tenant's allowed origins. */
  private void cors(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    String origin = req.getHeader("Origin");
    if (origin == null) {
      ctx.next();
      return;
    }
    String[] parts = req.path().substring(1).split("/");
    ChannelSettings settings;
    try {
      settings = parts.length > 1 ? chat.settings(java.net.URLDecoder.decode(parts[1], java.nio.charset.StandardCharsets.UTF_8)) : null;
    } catch (ApiError e) {
      settings = null;
    }
    if (settings == null || !chat.originAllowed(settings, origin)) {
      if (req.method() == HttpMethod.OPTIONS) {
        fail(req.response(), new ApiError(403, "origin_not_allowed",
            "add " + origin + " to channels.webchat.allowedOrigins of the tenant"));
        return;
      }
      ctx.next(); // the route answers 404 for an unknown tenant; a browser without CORS headers reads nothing
      return;
    }
    HttpServerResponse res = req.response();
    res.putHeader("Access-Control-Allow-Origin", origin);
    res.putHeader("Vary", "Origin");
    if (req.method() == HttpMethod.OPTIONS) {
      res.putHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      res.putHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID");
      res.putHeader("Access-Control-Max-Age", "600");
      res.setStatusCode(204).end();
      return;
    }
    ctx.next();
  }

  private void stream(RoutingContext ctx, Vertx vertx) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse res = req.response();
    String tenant = ctx.pathParam("tenant");
    String sessionId = ctx.pathParam("session");
    String auth = req.getHeader("Authorization");
    String token = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7) : req.getParam("token");
    String resume = req.getHeader("Last-Event-ID") != null ? req.getHeader("Last-Event-ID") : req.getParam("after");
    vertx.<WebChat.Session>executeBlocking(() -> chat.authorize(tenant, sessionId, token), false).onComplete(ar -> {
      if (ar.failed()) {
        fail(res, ar.cause() instanceof ApiError e ? e : new ApiError(500, "internal_error", "the stream could not start"));
        return;
      }
      long after;
      try {
        after = resume == null || resume.isBlank() ? 0 : Long.parseLong(resume.strip());
      } catch (NumberFormatException e) {
        fail(res, ApiError.badRequest("invalid_parameter", "Last-Event-ID must be an event id (a number), got '" + resume + "'"));
        return;
      }
      open(res, vertx, ar.result(), after);
    });
  }

  private void open(HttpServerResponse res, Vertx vertx, WebChat.Session session, long after) {
    res.setStatusCode(200).setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    res.write("retry: 3000\n\n");
    AtomicLong last = new AtomicLong(after);
    AtomicBoolean busy = new AtomicBoolean();
    AtomicBoolean again = new AtomicBoolean();
    AtomicBoolean closed = new AtomicBoolean();
    UUID id = session.id();
    Runnable pump = new Runnable() {
      @Override
      public void run() {
        if (closed.get()) {
          return;
        }
        if (!busy.compareAndSet(false, true)) {
          again.set(true);
          return;
        }
        vertx.<List<Map<String, Object>>>executeBlocking(() -> chat.entries(session.tenant(), id, last.get(), 100, true), false)
            .onComplete(ar -> {
              if (ar.succeeded() && !closed.get()) {
                for (Map<String, Object> e : ar.result()) {
                  long seq = ((Number) e.get("id")).longValue();
                  res.write("id: " + seq + "\nevent: message\ndata: " + Json.write(e) + "\n\n");
                  last.set(seq);
                }
              } else if (ar.failed()) {
                LOG.debug("Chat stream of session {} could not read the transcript: {}", id, ar.cause().toString());
              }
              busy.set(false);
              if (again.getAndSet(false) || (ar.succeeded() && ar.result().size() == 100)) {
                run();
              }
            });
      }
    };
    AutoCloseable listening = chat.listen(session.tenant(), id, () -> vertx.runOnContext(v -> pump.run()));
    long poll = vertx.setPeriodic(POLL_MS, t -> pump.run());
    long heartbeat = vertx.setPeriodic(HEARTBEAT_MS, t -> res.write(": keep-alive\n\n"));
    Runnable stop = () -> {
      if (closed.compareAndSet(false, true)) {
        vertx.cancelTimer(poll);
        vertx.cancelTimer(heartbeat);
        try {
          listening.close();
        } catch (Exception e) {
          LOG.debug("Closing a chat listener failed", e);
        }
      }
    };
    res.closeHandler(v -> stop.run());
    res.exceptionHandler(e -> stop.run());
    pump.run();
  }

  private static void fail(HttpServerResponse res, ApiError e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", e.code());
    body.put("message", e.getMessage());
    res.setStatusCode(e.status()).putHeader("Content-Type", "application/json").end(Json.write(body));
  }
}
