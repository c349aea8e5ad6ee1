package io.switchboard.runtime.http;

import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import io.switchboard.runtime.Readiness;
import io.switchboard.runtime.metrics.HubMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's HTTP surface on platform-http: health, provider webhooks and the read API. Every
 * answer, including errors, is written by {@link HttpSupport}; routes never let request headers
 * leak into responses.
 */
public final class HubRoutes extends RouteBuilder {

  private static final Logger LOG = LoggerFactory.getLogger(HubRoutes.class);
  private static final String OPTIONS = "?populateBodyWithForm=false";

  private final Readiness readiness;
  private final PublicUrl publicUrl;
  private final HubMetrics metrics;

  public HubRoutes(Readiness readiness, PublicUrl publicUrl, HubMetrics metrics) {
    this.readiness = readiness;
    this.publicUrl = publicUrl;
    this.metrics = metrics;
  }

  @Override
  public void configure() {
    onException(ApiError.class).handled(true)
        .process(e -> HttpSupport.error(e, e.getProperty(Exchange.EXCEPTION_CAUGHT, ApiError.class)));
    onException(Exception.class).handled(true).process(e -> {
      Exception cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
      String id = UUID.randomUUID().toString();
      LOG.error("Unexpected error serving {} [{}]", e.getMessage().getHeader(Exchange.HTTP_PATH), id, cause);
      HttpSupport.error(e, new ApiError(500, "internal_error", "the hub failed to handle this request (error id " + id + ")"));
    });

    from("platform-http:/health?httpMethodRestrict=GET").routeId("health").process(e -> {
      Map<String, Object> body = new LinkedHashMap<>();
      Map<String, String> components = readiness.components();
      boolean up = readiness.isReady();
      body.put("status", up ? "UP" : "DOWN");
      body.put("components", components);
      body.putAll(readiness.details());
      HttpSupport.json(e, up ? 200 : 503, body);
    });

    from("platform-http:/metrics?httpMethodRestrict=GET").routeId("metrics")
        .process(e -> HttpSupport.reply(e, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));

    from("platform-http:/webhooks/{tenant}/{connector}/{endpoint}?useBodyHandler=false").routeId("webhooks").process(this::webhook);

    from("platform-http:/api/v1/plugins?useBodyHandler=false").routeId("api-plugins").process(e -> {
      AdminApi admin = readiness.services().adminApi();
      var req = e.getMessage(HttpMessage.class).getRequest();
      try {
        admin.authorize(req.getHeader("Authorization"));
      } catch (ApiError refused) {
        // drain whatever the client is uploading so it reads the refusal
        req.handler(chunk -> { });
        req.resume();
        throw refused;
      }
      switch (req.method().name()) {
        case "GET" -> {
          req.resume();
          HttpSupport.json(e, 200, admin.list());
        }
        case "POST" -> HttpSupport.json(e, 201, admin.install(RawBody.read(req, admin.maxArchiveBytes(), 120_000)));
        default -> throw new ApiError(405, "method_not_allowed", "use GET to list plugins or POST a plugin archive to install one");
      }
    });

    from("platform-http:/api/v1/plugins/{id}" + OPTIONS).routeId("api-plugin").process(e -> {
      AdminApi admin = readiness.services().adminApi();
      var req = e.getMessage(HttpMessage.class).getRequest();
      admin.authorize(req.getHeader("Authorization"));
      String id = segment(e, 3);
      switch (req.method().name()) {
        case "GET" -> HttpSupport.json(e, 200, admin.get(id));
        case "DELETE" -> {
          admin.remove(id);
          HttpSupport.reply(e, 204, "application/json", "");
        }
        default -> throw new ApiError(405, "method_not_allowed", "use GET or DELETE on a plugin");
      }
    });

    from("platform-http:/api/v1/plugins/{id}/{action}" + OPTIONS + "&httpMethodRestrict=POST").routeId("api-plugin-action")
        .process(e -> {
          AdminApi admin = readiness.services().adminApi();
          admin.authorize(authorization(e));
          String id = segment(e, 3);
          switch (segment(e, 4)) {
            case "enable" -> HttpSupport.json(e, 200, admin.enable(id));
            case "disable" -> HttpSupport.json(e, 200, admin.disable(id));
            default -> throw ApiError.notFound("not_found", "plugins can be enabled or disabled: POST .../" + id + "/enable");
          }
        });

    from("platform-http:/api/v1/tenants/{tenant}/interactions" + OPTIONS + "&httpMethodRestrict=GET")
        .routeId("api-interactions")
        .process(e -> {
          ReadApi api = readiness.services().readApi();
          String tenant = api.authorize(segment(e, 3), authorization(e));
          HttpSupport.json(e, 200, api.interactions(tenant, query(e, "limit"), query(e, "cursor")));
        });

    from("platform-http:/api/v1/tenants/{tenant}/messages" + OPTIONS + "&httpMethodRestrict=GET")
        .routeId("api-messages")
        .process(e -> {
          ReadApi api = readiness.services().readApi();
          String tenant = api.authorize(segment(e, 3), authorization(e));
          HttpSupport.json(e, 200, api.messages(tenant, query(e, "limit"), query(e, "cursor")));
        });

    from("platform-http:/api/v1/tenants/{tenant}/workflow" + OPTIONS + "&httpMethodRestrict=GET")
        .routeId("api-workflow")
        .process(e -> {
          var services = readiness.services();
          String tenant = services.readApi().authorize(segment(e, 3), authorization(e));
          HttpSupport.json(e, 200, services.workflowApi().describe(tenant));
        });

    from("platform-http:/api/v1/tenants/{tenant}/workflow/dry-run?useBodyHandler=false&httpMethodRestrict=POST")
        .routeId("api-workflow-dry-run")
        .process(e -> {
          var services = readiness.services();
          var req = e.getMessage(HttpMessage.class).getRequest();
          String tenant;
          try {
            tenant = services.readApi().authorize(segment(e, 3), req.getHeader("Authorization"));
          } catch (ApiError refused) {
            req.handler(chunk -> { });
            req.resume();
            throw refused;
          }
          byte[] body = RawBody.read(req, 64 * 1024, 30_000);
          HttpSupport.json(e, 200, services.workflowApi().dryRun(tenant, body));
        });

    from("platform-http:/api/v1/schema/tenant" + OPTIONS + "&httpMethodRestrict=GET").routeId("api-schema")
        .process(e -> HttpSupport.json(e, 200, readiness.services().workflowApi().schema()));

    from("platform-http:/api/v1/tenants/{tenant}/contacts/{id}/scores" + OPTIONS + "&httpMethodRestrict=GET")
        .routeId("api-contact-scores")
        .process(e -> {
          var services = readiness.services();
          String tenant = services.readApi().authorize(segment(e, 3), authorization(e));
          HttpSupport.json(e, 200, services.scoresApi().scores(tenant, segment(e, 5), query(e, "kind"), query(e, "limit"),
              query(e, "cursor")));
        });

    from("platform-http:/api/v1/tenants/{tenant}/schedules" + OPTIONS + "&httpMethodRestrict=GET")
        .routeId("api-schedules")
        .process(e -> {
          var services = readiness.services();
          String tenant = services.readApi().authorize(segment(e, 3), authorization(e));
          HttpSupport.json(e, 200, Map.of("items", scheduler(services).describe(services.readApi().tenant(tenant))));
        });

    from("platform-http:/api/v1/tenants/{tenant}/schedules/{job}/run" + OPTIONS + "&httpMethodRestrict=POST")
        .routeId("api-schedule-run")
        .process(e -> {
          var services = readiness.services();
          String tenant = services.readApi().authorize(segment(e, 3), authorization(e));
          String job = segment(e, 5);
          scheduler(services).runNow(services.readApi().tenant(tenant), job);
          HttpSupport.json(e, 202, Map.of("job", job, "status", "triggered",
              "runs", "/api/v1/tenants/" + tenant + "/schedules"));
        });

    from("platform-http:/api/v1/tenants/{tenant}/contacts" + OPTIONS + "&httpMethodRestrict=GET")
        .routeId("api-contacts")
        .process(e -> {
          ReadApi api = readiness.services().readApi();
          String tenant = api.authorize(segment(e, 3), authorization(e));
          HttpSupport.json(e, 200, api.contacts(tenant, query(e, "address"), query(e, "limit"), query(e, "cursor")));
        });

    from("platform-http:/api/v1/tenants/{tenant}/contacts/{id}" + OPTIONS + "&httpMethodRestrict=GET")
        .routeId("api-contact")
        .process(e -> {
          ReadApi api = readiness.services().readApi();
          String tenant = api.authorize(segment(e, 3), authorization(e));
          HttpSupport.json(e, 200, api.contact(tenant, segment(e, 5)));
        });

    // The knowledge base (io.switchboard.runtime.kb.KnowledgeApi), with the read API's tenant keys.
    from("platform-http:/api/v1/tenants/{tenant}/kb/documents" + OPTIONS + "&httpMethodRestrict=GET")
        .routeId("api-kb-documents")
        .process(e -> {
          String tenant = readiness.services().readApi().authorize(segment(e, 3), authorization(e));
          HttpSupport.json(e, 200, knowledge().list(tenant, query(e, "limit"), query(e, "cursor")));
        });

    from("platform-http:/api/v1/tenants/{tenant}/kb/documents/{id}?useBodyHandler=false").routeId("api-kb-document")
        .process(e -> {
          var kb = knowledge();
          var req = e.getMessage(HttpMessage.class).getRequest();
          String tenant = authorizeTenant(req, segment(e, 3));
          String id = segment(e, 6);
          switch (req.method().name()) {
            case "PUT" -> {
              byte[] body;
              try {
                body = RawBody.read(req, kb.maxBodyBytes(), 60_000);
              } catch (ApiError tooLarge) {
                throw tooLarge.status() == 413 ? kb.tooLarge("more than " + kb.maxBodyBytes()) : tooLarge;
              }
              var put = kb.put(tenant, id, req.getHeader("Content-Type"), req.getParam("title"), req.getParam("source"), body);
              HttpSupport.json(e, put.getKey(), put.getValue());
            }
            case "GET" -> {
              req.resume();
              HttpSupport.json(e, 200, kb.get(tenant, id));
            }
            case "DELETE" -> {
              req.resume();
              kb.delete(tenant, id);
              HttpSupport.reply(e, 204, "application/json", "");
            }
            default -> {
              req.handler(chunk -> { });
              req.resume();
              throw new ApiError(405, "method_not_allowed", "use PUT, GET or DELETE on a knowledge-base document");
            }
          }
        });

    from("platform-http:/api/v1/tenants/{tenant}/kb/search?useBodyHandler=false&httpMethodRestrict=POST")
        .routeId("api-kb-search")
        .process(e -> {
          var kb = knowledge();
          var req = e.getMessage(HttpMessage.class).getRequest();
          String tenant = authorizeTenant(req, segment(e, 3));
          HttpSupport.json(e, 200, kb.search(tenant, RawBody.read(req, io.switchboard.runtime.kb.KnowledgeApi.MAX_SEARCH_BODY, 30_000)));
        });
    from("platform-http:/api/v1/tenants/{tenant}/subscriptions?useBodyHandler=false").routeId("api-subscriptions")
        .process(e -> {
          var req = e.getMessage(HttpMessage.class).getRequest();
          String tenant = authorizeTenant(req, segment(e, 3));
          switch (req.method().name()) {
            case "GET" -> {
              req.resume();
              HttpSupport.json(e, 200, subscriptions().list(tenant, query(e, "limit"), query(e, "cursor")));
            }
            case "POST" -> HttpSupport.json(e, 201, subscriptions().create(tenant, jsonBody(req, SUBSCRIPTION_EXAMPLE)));
            default -> refuse(req, "use GET or POST on subscriptions");
          }
        });

    from("platform-http:/api/v1/tenants/{tenant}/subscriptions/{id}?useBodyHandler=false").routeId("api-subscription")
        .process(e -> {
          var req = e.getMessage(HttpMessage.class).getRequest();
          String tenant = authorizeTenant(req, segment(e, 3));
          String id = segment(e, 5);
          switch (req.method().name()) {
            case "GET" -> {
              req.resume();
              HttpSupport.json(e, 200, subscriptions().get(tenant, id));
            }
            case "PATCH" -> HttpSupport.json(e, 200, subscriptions().update(tenant, id, jsonBody(req, "{\"enabled\": false}")));
            case "DELETE" -> {
              req.resume();
              subscriptions().delete(tenant, id);
              HttpSupport.reply(e, 204, "application/json", "");
            }
            default -> refuse(req, "use GET, PATCH or DELETE on a subscription");
          }
        });

    from("platform-http:/api/v1/tenants/{tenant}/subscriptions/{id}/{action}?useBodyHandler=false")
        .routeId("api-subscription-action")
        .process(e -> {
          var req = e.getMessage(HttpMessage.class).getRequest();
          String tenant = authorizeTenant(req, segment(e, 3));
          String id = segment(e, 5);
          String action = segment(e, 6);
          req.resume();
          switch (req.method().name() + " " + action) {
            case "GET deliveries" -> HttpSupport.json(e, 200, subscriptions().deliveries(tenant, id, query(e, "status"),
                query(e, "limit"), query(e, "cursor")));
            case "POST rotate-secret" -> HttpSupport.json(e, 200, subscriptions().rotateSecret(tenant, id));
            case "POST replay" -> HttpSupport.json(e, 202, java.util.Map.of("replayed",
                subscriptions().replay(tenant, null, id, query(e, "since"))));
            default -> throw ApiError.notFound("not_found", "use GET .../deliveries, POST .../rotate-secret or"
                + " POST .../replay?since=<instant> on a subscription");
          }
        });

    from("platform-http:/api/v1/tenants/{tenant}/deliveries/{id}/replay" + OPTIONS + "&httpMethodRestrict=POST")
        .routeId("api-delivery-replay")
        .process(e -> {
          String tenant = readiness.services().readApi().authorize(segment(e, 3), authorization(e));
          HttpSupport.json(e, 202, java.util.Map.of("replayed", subscriptions().replay(tenant, segment(e, 5), null, null)));
        });

    chatRoutes();
  }

  private static final String CHAT_MESSAGE_EXAMPLE = "{\"text\": \"Hi, where is my order?\", \"clientMessageId\": \"m-1\"}";
  private static final int CHAT_MAX_BODY = 16_384;

  /**
   * Web chat (io.switchboard.runtime.chat): the widget's session API, authorised by the session's
   * token and the tenant's allowed origins, and the agent API, by the tenant's API key. The event
   * stream and CORS preflights are served by ChatEvents on the same router.
   */
  private void chatRoutes() {
    from("platform-http:/chat/{tenant}/sessions?useBodyHandler=false").routeId("chat-sessions").process(e -> {
      var req = e.getMessage(HttpMessage.class).getRequest();
      var chat = webChat();
      String tenant = segment(e, 1);
      if (!"POST".equals(req.method().name())) {
        refuse(req, "open a session with POST /chat/" + tenant + "/sessions");
      }
      checkOrigin(req, chat, tenant);
      HttpSupport.json(e, 201, chat.open(tenant,
          jsonBody(req, CHAT_MAX_BODY, "{\"name\": \"Dana\", \"email\": \"dana@example.com\"}", true)));
    });

    from("platform-http:/chat/{tenant}/sessions/{id}/messages?useBodyHandler=false").routeId("chat-messages").process(e -> {
      var req = e.getMessage(HttpMessage.class).getRequest();
      var chat = webChat();
      String tenant = segment(e, 1);
      String id = segment(e, 3);
      checkOrigin(req, chat, tenant);
      String auth = req.getHeader("Authorization");
      io.switchboard.runtime.chat.WebChat.Session session;
      try {
        session = chat.authorize(tenant, id, auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7) : null);
      } catch (ApiError refused) {
        req.handler(chunk -> { });
        req.resume();
        throw refused;
      }
      switch (req.method().name()) {
        case "GET" -> {
          req.resume();
          HttpSupport.json(e, 200, chat.transcript(tenant, session.id(), query(e, "after"), query(e, "limit")));
        }
        case "POST" -> {
          java.util.Map<String, Object> out = chat.visitorMessage(session, jsonBody(req, CHAT_MAX_BODY, CHAT_MESSAGE_EXAMPLE, false));
          HttpSupport.json(e, Boolean.TRUE.equals(out.get("duplicate")) ? 200 : 202, out);
        }
        default -> refuse(req, "use GET (the transcript) or POST (a message) on a session's messages");
      }
    });

    from("platform-http:/api/v1/tenants/{tenant}/chat/sessions" + OPTIONS + "&httpMethodRestrict=GET").routeId("api-chat-sessions")
        .process(e -> {
          String tenant = readiness.services().readApi().authorize(segment(e, 3), authorization(e));
          HttpSupport.json(e, 200, webChat().sessions(tenant, query(e, "status"), query(e, "limit"), query(e, "cursor")));
        });

    from("platform-http:/api/v1/tenants/{tenant}/chat/sessions/{id}" + OPTIONS + "&httpMethodRestrict=GET").routeId("api-chat-session")
        .process(e -> {
          String tenant = readiness.services().readApi().authorize(segment(e, 3), authorization(e));
          HttpSupport.json(e, 200, webChat().require(tenant, segment(e, 6)).view());
        });

    from("platform-http:/api/v1/tenants/{tenant}/chat/sessions/{id}/{action}?useBodyHandler=false").routeId("api-chat-session-action")
        .process(e -> {
          var req = e.getMessage(HttpMessage.class).getRequest();
          String tenant = authorizeTenant(req, segment(e, 3));
          String id = segment(e, 6);
          String action = segment(e, 7);
          var chat = webChat();
          switch (req.method().name() + " " + action) {
            case "GET messages" -> {
              req.resume();
              HttpSupport.json(e, 200, chat.transcript(tenant, chat.require(tenant, id).id(), query(e, "after"), query(e, "limit")));
            }
            case "POST messages" -> HttpSupport.json(e, 201, chat.agentReply(tenant, id,
                jsonBody(req, "{\"text\": \"Hi, I'm Sam from support\", \"agent\": \"sam\"}")));
            case "POST handoff" -> {
              var fields = jsonBody(req, CHAT_MAX_BODY, "{\"notice\": \"Sam will be with you in a minute\"}", true);
              Object notice = fields.get("notice");
              HttpSupport.json(e, 200, chat.handoff(tenant, id, notice == null ? null : notice.toString(), "agent api"));
            }
            case "POST close" -> {
              req.resume();
              HttpSupport.json(e, 200, chat.close(tenant, id));
            }
            default -> {
              req.handler(chunk -> { });
              req.resume();
              throw ApiError.notFound("not_found", "use GET|POST .../messages, POST .../handoff or POST .../close on a chat session");
            }
          }
        });
  }

  private io.switchboard.runtime.chat.WebChat webChat() {
    return readiness.services().webChat();
  }

  /** 403 for a browser page the tenant did not allow (requests without Origin are not from a browser). */
  private static void checkOrigin(io.vertx.core.http.HttpServerRequest req, io.switchboard.runtime.chat.WebChat chat, String tenant) {
    try {
      String origin = req.getHeader("Origin");
      if (!chat.originAllowed(chat.settings(tenant), origin)) {
        throw new ApiError(403, "origin_not_allowed", "add " + origin + " to channels.webchat.allowedOrigins of tenant '" + tenant + "'");
      }
    } catch (ApiError refused) {
      req.handler(chunk -> { });
      req.resume();
      throw refused;
    }
  }

  private static final String SUBSCRIPTION_EXAMPLE =
      "{\"url\": \"https://example.com/hooks/switchboard\", \"events\": [\"interaction.received\"]}";

  private io.switchboard.runtime.subscriptions.Subscriptions subscriptions() {
    return readiness.services().subscriptions();
  }

  /** A JSON object body of at most 64 KiB, as a map; 400 naming an example when it is not one. */
  private static java.util.Map<String, Object> jsonBody(io.vertx.core.http.HttpServerRequest req, String example) {
    return jsonBody(req, 65_536, example, false);
  }

  /** A JSON object body of at most {@code limit} bytes; with {@code optional}, an empty body is an empty map. */
  private static java.util.Map<String, Object> jsonBody(io.vertx.core.http.HttpServerRequest req, int limit, String example,
      boolean optional) {
    byte[] body = RawBody.read(req, limit, 30_000);
    if (optional && body.length == 0) {
      return java.util.Map.of();
    }
    return io.switchboard.runtime.util.Json.MAPPER.convertValue(JsonBodies.object(body, example),
        io.switchboard.runtime.util.Json.MAP);
  }

  private static void refuse(io.vertx.core.http.HttpServerRequest req, String what) {
    req.handler(chunk -> { });
    req.resume();
    throw new ApiError(405, "method_not_allowed", what);
  }

  private io.switchboard.runtime.kb.KnowledgeApi knowledge() {
    return readiness.services().knowledgeApi();
  }

  /** The read API's tenant check on a paused request; a refused client's upload is drained so it reads the refusal. */
  private String authorizeTenant(io.vertx.core.http.HttpServerRequest req, String tenant) {
    try {
      return readiness.services().readApi().authorize(tenant, req.getHeader("Authorization"));
    } catch (ApiError refused) {
      req.handler(chunk -> { });
      req.resume();
      throw refused;
    }
  }

  private static io.switchboard.runtime.scheduling.JobScheduler scheduler(Readiness.Services services) {
    if (services.scheduler() == null) {
      throw ApiError.unavailable("scheduler_disabled", "scheduled jobs are off on this hub (switchboard.scheduler.enabled=false)", 60);
    }
    return services.scheduler();
  }

  private void webhook(Exchange e) {
    HttpMessage msg = e.getMessage(HttpMessage.class);
    var req = msg.getRequest();
    String correlationId = UUID.randomUUID().toString();
    String method = req.method().name();
    // GET is a provider's verification handshake (ChannelConnector.challenge), stored nowhere.
    boolean handshake = "GET".equals(method);
    if (!handshake && !"POST".equals(method)) {
      throw new ApiError(405, "method_not_allowed", "webhooks accept POST, and GET for a provider's verification handshake");
    }
    WebhookIngress ingress = readiness.services().ingress();
    Map<String, String> headers = new LinkedHashMap<>();
    req.headers().forEach(h -> headers.putIfAbsent(h.getKey(), h.getValue()));
    // Read (and, past the limit, drain) the body even when it is too large, so the client reads our 413.
    byte[] body = RawBody.read(req, ingress.maxBodyBytes(), 30_000);
    String url = publicUrl.resolve(req.getHeader("X-Forwarded-Proto"), req.getHeader("X-Forwarded-Host"),
        host(req), req.path(), req.query());
    WebhookRequest request = new WebhookRequest(method, url, headers, body);
    String tenant = segment(e, 1);
    String connector = segment(e, 2);
    WebhookResponse response;
    try {
      response = handshake
          ? ingress.challenge(tenant, connector, segment(e, 3), request, correlationId)
          : ingress.handle(tenant, connector, segment(e, 3), request, correlationId);
    } catch (ApiError refused) {
      // unknown tenants and connectors are not labels: anyone could mint them
      boolean known = refused.status() != 404;
      metrics.webhook(known ? tenant : "-", known ? connector : "-", refused.status());
      throw refused;
    }
    metrics.webhook(tenant, connector, response.status());
    HttpSupport.reply(e, response.status(), response.contentType(), response.body());
  }

  /** The Host the client addressed, with its port; Vert.x parses it into the request's authority. */
  private static String host(io.vertx.core.http.HttpServerRequest req) {
    var authority = req.authority();
    if (authority == null) {
      return req.getHeader("Host");
    }
    return authority.host() + (authority.port() > 0 ? ":" + authority.port() : "");
  }

  /**
   * A path segment of the request, decoded. Path parameters are read from the path itself, never
   * from Camel headers, because platform-http also copies form fields into headers and a form field
   * named like a path parameter must not be able to change the tenant.
   */
  private static String segment(Exchange e, int index) {
    String path = e.getMessage(HttpMessage.class).getRequest().path();
    String[] parts = path.substring(1).split("/");
    if (index >= parts.length) {
      throw ApiError.notFound("not_found", "no resource at " + path);
    }
    return java.net.URLDecoder.decode(parts[index], java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String authorization(Exchange e) {
    return e.getMessage(HttpMessage.class).getRequest().getHeader("Authorization");
  }

  private static String query(Exchange e, String name) {
    return e.getMessage(HttpMessage.class).getRequest().getParam(name);
  }
}
