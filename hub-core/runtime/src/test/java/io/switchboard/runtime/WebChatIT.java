package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.runtime.util.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web chat through the real hub: a widget opens a session, posts messages (a retry stored once) and
 * reads the workflow's answers from the real server-sent event stream; the workflow hands the
 * conversation to a person, after which bot replies are suppressed and an agent answers through the
 * agent API; a reconnecting stream resumes after Last-Event-ID; bad tokens, origins, bodies and
 * tenants are refused with nothing stored.
 */
class WebChatIT {

  @TempDir
  static Path dir;
  static HubFixture hub;
  static final HttpClient http = HttpClient.newHttpClient();
  static final String KEY = "sb_chat_key";
  static final String ORIGIN = "https://shop.example";

  @BeforeAll
  static void start() throws Exception {
    hub = HubFixture.prepare(dir);
    Files.writeString(hub.home.resolve("config/tenants/chat.yaml"), """
        id: chat
        apiKeys: [%s]
        channels:
          webchat:
            allowedOrigins: ["%s"]
        workflow:
          steps:
            - step: chat.handoff
              when: "interaction.text.contains('human')"
              config: {notice: "Connecting you to a person", reason: asked for a human}
            - step: reply
              when: "!interaction.text.contains('human')"
              config: {text: "Bot: you said {{interaction.text}}"}
        """.formatted(KEY, ORIGIN));
    hub.overrides.put("switchboard.actions.backoff-ms", "100");
    hub.start();
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
  }

  static HttpResponse<String> post(String path, String token, String origin, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.base() + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** An EventSource's view of the stream: every line it received, read on a thread of its own. */
  static final class Stream_ {
    final List<String> lines = new CopyOnWriteArrayList<>();
    final int status;
    private final Stream<String> body;

    Stream_(String path, String lastEventId) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.base() + path)).header("Accept", "text/event-stream");
      if (lastEventId != null) {
        b.header("Last-Event-ID", lastEventId);
      }
      HttpResponse<Stream<String>> res = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
      status = res.statusCode();
      body = res.body();
      Thread t = new Thread(() -> {
        try {
          body.forEach(lines::add);
        } catch (RuntimeException e) {
          // closed by the test
        }
      }, "sse-reader");
      t.setDaemon(true);
      t.start();
    }

    /** The data of the message events received so far, parsed. */
    List<JsonNode> messages() {
      return lines.stream().filter(l -> l.startsWith("data: ")).map(l -> {
        try {
          return Json.MAPPER.readTree(l.substring(6));
        } catch (Exception e) {
          throw new AssertionError("event data is not JSON: " + l, e);
        }
      }).toList();
    }

    boolean has(String text) {
      return messages().stream().anyMatch(m -> m.path("text").asText().equals(text));
    }

    void close() {
      body.close();
    }
  }

  @Test
  void aVisitorChatsWithTheBotThenWithAPerson() throws Exception {
    // refused, storing nothing
    assertThat(post("/chat/nobody/sessions", null, null, "{}").statusCode()).isEqualTo(404);
    HttpResponse<String> evil = post("/chat/chat/sessions", null, "https://evil.example", "{}");
    assertThat(evil.statusCode()).isEqualTo(403);
    assertThat(evil.body()).contains("origin_not_allowed").contains("allowedOrigins");
    assertThat(post("/chat/chat/sessions", null, ORIGIN, "{\"name\": ").statusCode()).isEqualTo(400);
    assertThat(hub.count("select count(*) from chat_sessions where tenant_id = 'chat'")).isZero();

    // a browser's preflight from the shop is allowed
    HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(hub.base() + "/chat/chat/sessions"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", ORIGIN)
        .header("Access-Control-Request-Method", "POST").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);

    HttpResponse<String> opened = post("/chat/chat/sessions", null, ORIGIN, "{\"name\": \"Dana\", \"email\": \"dana@example.com\"}");
    assertThat(opened.statusCode()).isEqualTo(201);
    assertThat(opened.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
    JsonNode session = Json.MAPPER.readTree(opened.body());
    String id = session.path("sessionId").asText();
    String token = session.path("token").asText();
    assertThat(token).hasSizeGreaterThan(30);
    assertThat(hub.count("select count(*) from chat_sessions where token_hash = ?", token)).as("only a hash is stored").isZero();
    String messages = "/chat/chat/sessions/" + id + "/messages";

    assertThat(new Stream_("/chat/chat/sessions/" + id + "/events?token=wrong", null).status).isEqualTo(401);
    Stream_ stream = new Stream_("/chat/chat/sessions/" + id + "/events?token=" + token, null);
    assertThat(stream.status).isEqualTo(200);

    assertThat(post(messages, null, ORIGIN, "{\"text\": \"hello\"}").statusCode()).isEqualTo(401);
    assertThat(post(messages, "not-the-token", ORIGIN, "{\"text\": \"hello\"}").statusCode()).isEqualTo(401);
    HttpResponse<String> noText = post(messages, token, ORIGIN, "{\"clientMessageId\": \"m-0\"}");
    assertThat(noText.statusCode()).isEqualTo(400);
    assertThat(noText.body()).contains("missing_field");
    assertThat(post(messages, token, ORIGIN, "{\"text\": \"" + "x".repeat(4001) + "\"}").statusCode()).isEqualTo(400);

    assertThat(post(messages, token, ORIGIN, "{\"text\": \"hello\", \"clientMessageId\": \"m-1\"}").statusCode()).isEqualTo(202);
    // the widget's retry of the same message: acknowledged, stored and answered once
    HttpResponse<String> retry = post(messages, token, ORIGIN, "{\"text\": \"hello\", \"clientMessageId\": \"m-1\"}");
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.body()).contains("\"duplicate\":true");
    HubFixture.await("the bot's answer on the stream", () -> stream.has("Bot: you said hello"));
    JsonNode answer = stream.messages().get(0);
    assertThat(answer.path("author").asText()).isEqualTo("bot");
    assertThat(hub.count("select count(*) from interactions where tenant_id = 'chat' and channel = 'webchat'")).isEqualTo(1);

    // the workflow hands the conversation over; the bot stays quiet from then on
    assertThat(post(messages, token, ORIGIN, "{\"text\": \"I want a human\", \"clientMessageId\": \"m-2\"}").statusCode())
        .isEqualTo(202);
    HubFixture.await("the handoff notice", () -> stream.has("Connecting you to a person"));
    assertThat(hub.count("select count(*) from events where tenant_id = 'chat' and type = 'chat.handoff'")).isEqualTo(1);
    assertThat(post(messages, token, ORIGIN, "{\"text\": \"are you there?\", \"clientMessageId\": \"m-3\"}").statusCode())
        .isEqualTo(202);
    HubFixture.await("the bot's reply to be suppressed", () -> {
      try {
        return hub.count("select count(*) from actions where tenant_id = 'chat' and type = 'reply' and status = 'done'"
            + " and result->>'status' = 'suppressed_agent'") == 1;
      } catch (Exception e) {
        return false;
      }
    });
    assertThat(stream.has("Bot: you said are you there?")).isFalse();

    // an agent finds the session and answers
    JsonNode waiting = Json.MAPPER.readTree(hub.get("/api/v1/tenants/chat/chat/sessions?status=agent", KEY).body());
    assertThat(waiting.path("items")).hasSize(1);
    assertThat(waiting.path("items").path(0).path("sessionId").asText()).isEqualTo(id);
    assertThat(waiting.path("items").path(0).path("visitor").path("name").asText()).isEqualTo("Dana");
    assertThat(hub.get("/api/v1/tenants/chat/chat/sessions", HubFixture.ACME_KEY).statusCode()).isEqualTo(404);
    HttpResponse<String> agent = hub.send("POST", "/api/v1/tenants/chat/chat/sessions/" + id + "/messages", KEY,
        HttpRequest.BodyPublishers.ofString("{\"text\": \"Hi Dana, Sam here\", \"agent\": \"sam\"}"));
    assertThat(agent.statusCode()).isEqualTo(201);
    HubFixture.await("the agent's reply on the stream", () -> stream.has("Hi Dana, Sam here"));
    JsonNode fromSam = stream.messages().stream().filter(m -> m.path("text").asText().equals("Hi Dana, Sam here")).findFirst().orElseThrow();
    assertThat(fromSam.path("author").asText()).isEqualTo("agent");
    assertThat(fromSam.path("agent").asText()).isEqualTo("sam");

    // a reconnecting EventSource sends Last-Event-ID and gets only what came after it
    String firstId = stream.lines.stream().filter(l -> l.startsWith("id: ")).findFirst().orElseThrow().substring(4);
    stream.close();
    Stream_ resumed = new Stream_("/chat/chat/sessions/" + id + "/events?token=" + token, firstId);
    HubFixture.await("the resumed stream", () -> resumed.has("Hi Dana, Sam here"));
    assertThat(resumed.has("Bot: you said hello")).isFalse();
    assertThat(resumed.has("Connecting you to a person")).isTrue();

    // the transcript, for a widget that reloads: the visitor's messages once each, and the answers
    JsonNode transcript = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(hub.base() + messages))
        .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString()).body());
    assertThat(transcript.path("items").findValuesAsText("text")).containsExactly("hello", "Bot: you said hello",
        "I want a human", "Connecting you to a person", "are you there?", "Hi Dana, Sam here");

    // closed: the visitor is told and can post no more
    assertThat(hub.send("POST", "/api/v1/tenants/chat/chat/sessions/" + id + "/close", KEY,
        HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(200);
    HubFixture.await("the closing notice", () -> resumed.has("This conversation is closed."));
    HttpResponse<String> late = post(messages, token, ORIGIN, "{\"text\": \"one more thing\", \"clientMessageId\": \"m-4\"}");
    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(late.body()).contains("session_closed");
    resumed.close();
  }
}
