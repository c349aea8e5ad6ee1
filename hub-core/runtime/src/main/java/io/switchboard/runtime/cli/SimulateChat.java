package io.switchboard.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.util.Json;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard simulate chat}: a visitor of the tenant's chat widget: opens a session, sends
 * one message and prints what the stream brings back (the workflow's answer, a handoff notice).
 */
@Command(name = "chat", mixinStandardHelpOptions = true,
    description = {"Chat as a visitor of the tenant's web chat widget: open a session (POST /chat/<tenant>/sessions),",
        "listen on its event stream, send --body and print the answers that arrive within --wait seconds."})
final class SimulateChat extends SimulateCommand.TenantCommand {

  @Option(names = "--body", required = true, description = "The visitor's message.")
  String body;

  @Option(names = "--name", description = "The visitor's name, given when the session opens.")
  String name;

  @Option(names = "--email", description = "The visitor's e-mail address, given when the session opens.")
  String email;

  @Option(names = "--wait", defaultValue = "10", description = "Seconds to wait for answers (default ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Override
  public Integer call() throws Exception {
    String base = parent.hubBase(SwitchboardConfig.fromEnvironment());
    HttpClient http = HttpClient.newHttpClient();
    Map<String, Object> visitor = new LinkedHashMap<>();
    if (name != null) {
      visitor.put("name", name);
    }
    if (email != null) {
      visitor.put("email", email);
    }
    HttpResponse<String> opened;
    try {
      opened = http.send(json(base + "/chat/" + tenant + "/sessions", null, Json.write(visitor)), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      System.err.println("Cannot reach the hub at " + base + " (is 'switchboard run' running?)");
      return 1;
    }
    if (opened.statusCode() != 201) {
      System.err.println("POST /chat/" + tenant + "/sessions -> " + opened.statusCode() + " " + opened.body());
      return 1;
    }
    JsonNode session = Json.MAPPER.readTree(opened.body());
    String id = session.path("sessionId").asText();
    String token = session.path("token").asText();
    System.out.println("Session " + id + " opened");
    AtomicInteger answers = new AtomicInteger();
    HttpResponse<Stream<String>> events = http.send(HttpRequest.newBuilder(URI.create(base + "/chat/" + tenant + "/sessions/" + id
        + "/events")).header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build(),
        HttpResponse.BodyHandlers.ofLines());
    CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> events.body().forEach(line -> {
      if (line.startsWith("data: ")) {
        try {
          JsonNode m = Json.MAPPER.readTree(line.substring(6));
          String who = m.path("author").asText() + (m.hasNonNull("agent") ? " " + m.path("agent").asText() : "");
          System.out.println(who + ": " + m.path("text").asText());
          answers.incrementAndGet();
        } catch (Exception e) {
          System.out.println(line);
        }
      }
    }));
    HttpResponse<String> sent = http.send(json(base + "/chat/" + tenant + "/sessions/" + id + "/messages", token,
        Json.write(Map.of("text", body, "clientMessageId", "sim-" + UUID.randomUUID()))), HttpResponse.BodyHandlers.ofString());
    System.out.println("visitor: " + body + "  (-> " + sent.statusCode() + ")");
    if (sent.statusCode() / 100 != 2) {
      System.err.println(sent.body());
      events.body().close();
      return 1;
    }
    try {
      reading.get(waitSeconds, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      // the stream stays open; waited long enough
    } finally {
      events.body().close();
    }
    if (answers.get() == 0) {
      System.out.println("(no answer within " + waitSeconds + " s: the tenant's workflow may not reply to this message)");
    }
    return 0;
  }

  private static HttpRequest json(String url, String token, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }
}
