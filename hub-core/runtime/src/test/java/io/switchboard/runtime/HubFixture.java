package io.switchboard.runtime;

import io.switchboard.runtime.config.SwitchboardConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A real hub for integration tests: the repository's config/ copied into a temporary home, the
 * plugin archives the build produced, embedded PostgreSQL and Kafka on free ports.
 */
final class HubFixture implements AutoCloseable {

  static final String DEMO_TOKEN = "demo-twilio-auth-token";
  static final String DEMO_KEY = "sb_demo_key";
  static final String ACME_TOKEN = "acme-token-for-tests";
  static final String ACME_KEY = "sb_acme_key";

  final Path home;
  final int port;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  SwitchboardRuntime hub;
  final Map<String, String> overrides = new HashMap<>();

  private HubFixture(Path home, int port) {
    this.home = home;
    this.port = port;
  }

  /** Prepares a home under {@code dir} with the demo tenant and a second tenant, acme. */
  static HubFixture prepare(Path dir) throws IOException {
    Path repoConfig = Path.of(System.getProperty("switchboard.it.config", "../../config"));
    copyTree(repoConfig, dir.resolve("config"));
    Files.writeString(dir.resolve("config/tenants/acme.yaml"), """
        id: acme
        name: Acme Corp
        apiKeys: [%s]
        channels:
          twilio:
            phoneNumbers: ["+15550007000"]
            secrets:
              authToken: %s
        """.formatted(ACME_KEY, ACME_TOKEN));
    // Each hub gets its own plugins directory (PF4J unpacks into it, the admin API installs into it).
    Path built = Path.of(System.getProperty("switchboard.it.plugins", "target/it-plugins"));
    Files.createDirectories(dir.resolve("plugins"));
    try (Stream<Path> zips = Files.list(built)) {
      for (Path zip : (Iterable<Path>) zips.filter(p -> p.toString().endsWith(".zip"))::iterator) {
        Files.copy(zip, dir.resolve("plugins").resolve(zip.getFileName()));
      }
    }
    // The demo tenant uses the ai-local plugin's steps; its 220 MB archive is linked, not copied, where the file system allows.
    Path aiLocal = Path.of(System.getProperty("switchboard.it.optional-plugins", "target/it-optional-plugins"))
        .resolve("switchboard-plugin-ai-local.zip");
    if (Files.exists(aiLocal)) {
      Path target = dir.resolve("plugins/ai-local.zip");
      try {
        Files.createLink(target, aiLocal.toAbsolutePath());
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(aiLocal, target);
      }
    }
    return new HubFixture(dir, freePort());
  }

  SwitchboardConfig config() {
    Map<String, String> o = new HashMap<>();
    o.put(SwitchboardConfig.HTTP_PORT, String.valueOf(port));
    o.put(SwitchboardConfig.HTTP_HOST, "127.0.0.1");
    o.put(SwitchboardConfig.KAFKA_EMBEDDED_PORT, "0");
    // replies go to a closed local port, never to the real Twilio API
    o.put("switchboard.plugins.twilio.api-base-url", "http://127.0.0.1:9");
    o.put(SwitchboardConfig.PLUGINS_DIR, home.resolve("plugins").toString());
    o.put(SwitchboardConfig.ROUTES_DIR, Path.of(System.getProperty("switchboard.it.config", "../../config"))
        .resolveSibling("routes").toAbsolutePath().toString());
    o.putAll(overrides);
    return SwitchboardConfig.load(home, home.resolve("config/switchboard.properties"), Map.of(), new Properties())
        .with(o);
  }

  HubFixture start() throws Exception {
    hub = new SwitchboardRuntime(config()).start();
    hub.awaitReady(Duration.ofMinutes(2));
    return this;
  }

  void stop() {
    if (hub != null) {
      hub.close();
      hub = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  String base() {
    return "http://localhost:" + port;
  }

  HttpResponse<String> get(String path, String apiKey) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).GET();
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, String bearer, HttpRequest.BodyPublisher body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
        .method(method, body);
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Posts a form to a webhook path, signed with {@code token} as Twilio signs (null: unsigned). */
  HttpResponse<String> postTwilio(String path, Map<String, String> form, String token) throws Exception {
    String body = TwilioSigner.formBody(form);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (token != null) {
      b.header("X-Twilio-Signature", TwilioSigner.sign(token, base() + path, form));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A single number from the hub's database. */
  long count(String sql, Object... args) throws Exception {
    try (Connection c = hub.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }


  /**
   * A local receiver of the hub's signed webhooks on {@code path}: each delivery is added to
   * {@code into} as (X-Switchboard-Signature, body), answered 204.
   */
  static com.sun.net.httpserver.HttpServer receiver(String path, java.util.List<String[]> into) throws IOException {
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(path, ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      into.add(new String[] {ex.getRequestHeaders().getFirst(io.switchboard.runtime.action.ActionDispatcher.SIGNATURE_HEADER),
          new String(body, StandardCharsets.UTF_8)});
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    server.start();
    return server;
  }

  /** Waits up to 30 s for {@code done}. */
  static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }
}
