package io.switchboard.plugins.aillm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local OpenAI chat-completions server for tests: {@code POST /v1/chat/completions} with the real
 * wire format. It records what it received and answers as told: a completion, an HTTP error with an
 * OpenAI error body, or nothing at all (it accepts the request and hangs until closed).
 */
final class StubOpenAi implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** What a request got: its Authorization header and its JSON body. */
  record Received(String authorization, JsonNode body) {

    String model() {
      return body.path("model").asText();
    }

    /** The content of the message with this role ({@code system}, {@code user}), or null. */
    String message(String role) {
      for (JsonNode m : body.path("messages")) {
        if (role.equals(m.path("role").asText())) {
          return m.path("content").asText();
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "stub-openai");
    t.setDaemon(true);
    return t;
  });
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicInteger calls = new AtomicInteger();
  private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
  private volatile int status = 200;
  private volatile String reply = "Your parcel arrives tomorrow.";
  private volatile String errorMessage = "The server had an error while processing your request.";
  private volatile boolean hang;

  StubOpenAi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(threads);
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
  }

  /** The base URL the step is configured with. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  StubOpenAi replies(String text) {
    this.status = 200;
    this.hang = false;
    this.reply = text;
    return this;
  }

  /** Answers every request with this status and an OpenAI error body quoting {@code message}. */
  StubOpenAi fails(int status, String message) {
    this.status = status;
    this.hang = false;
    this.errorMessage = message;
    return this;
  }

  /** Accepts every request and never answers (until closed). */
  StubOpenAi hangs() {
    this.hang = true;
    return this;
  }

  /** Requests received so far, counted as they arrive (before any answer). */
  int calls() {
    return calls.get();
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  Received last() {
    List<Received> all = received();
    return all.get(all.size() - 1);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      calls.incrementAndGet();
      JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
      received.add(new Received(exchange.getRequestHeaders().getFirst("Authorization"), body));
      if (!"POST".equals(exchange.getRequestMethod())) {
        respond(exchange, 405, "{}");
        return;
      }
      if (hang) {
        try {
          closed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      if (status != 200) {
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("message", errorMessage).put("type", "server_error").putNull("code");
        respond(exchange, status, error.toString());
        return;
      }
      ObjectNode completion = JSON.createObjectNode();
      completion.put("id", "chatcmpl-" + calls.get());
      completion.put("object", "chat.completion");
      completion.put("created", System.currentTimeMillis() / 1000);
      completion.put("model", body.path("model").asText());
      ObjectNode choice = completion.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", reply);
      choice.put("finish_reason", "stop");
      completion.putObject("usage").put("prompt_tokens", 42).put("completion_tokens", 7).put("total_tokens", 49);
      respond(exchange, 200, completion.toString());
    }
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
