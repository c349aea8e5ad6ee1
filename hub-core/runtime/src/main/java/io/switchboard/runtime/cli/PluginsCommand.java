package io.switchboard.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.util.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code switchboard plugins}: manage the plugins of a running hub through its admin API. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
    description = {"List, install, enable, disable and remove plugins on a running hub, without restarting it.",
        "Uses the admin API with the admin key (--admin-key, else SWITCHBOARD_ADMIN_API_KEY / switchboard.admin.api-key)."},
    subcommands = {PluginsCommand.List.class, PluginsCommand.Install.class, PluginsCommand.Enable.class,
        PluginsCommand.Disable.class, PluginsCommand.Remove.class})
final class PluginsCommand implements Runnable {

  @Option(names = "--hub", paramLabel = "URL", description = "Where the hub listens (default: http://localhost:<switchboard.http.port>).")
  String hub;

  @Option(names = "--admin-key", paramLabel = "KEY", description = "The hub's admin key.")
  String adminKey;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  private HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body, String contentType)
      throws Exception {
    SwitchboardConfig config = SwitchboardConfig.fromEnvironment();
    String base = hub != null ? hub : "http://localhost:" + config.require(SwitchboardConfig.HTTP_PORT);
    String key = adminKey != null ? adminKey : config.get(SwitchboardConfig.ADMIN_API_KEY).orElse("");
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2))
        .method(method, body).header("Authorization", "Bearer " + key);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    try {
      return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      throw new IllegalStateException("cannot reach the hub at " + base + " (is 'switchboard run' running?)");
    }
  }

  private int print(HttpResponse<String> r) throws Exception {
    if (r.statusCode() / 100 != 2) {
      JsonNode err = r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body());
      System.err.println("Error " + r.statusCode() + (err == null ? "" : " " + err.path("code").asText() + ": "
          + err.path("message").asText()));
      return 1;
    }
    if (!r.body().isEmpty()) {
      JsonNode body = Json.MAPPER.readTree(r.body());
      for (JsonNode p : body.has("items") ? body.path("items") : Json.MAPPER.createArrayNode().add(body)) {
        System.out.printf("%-20s %-16s %-9s %s%s%n", p.path("id").asText(), p.path("version").asText(),
            p.path("state").asText(), "connectors=" + p.path("connectors") + " steps=" + p.path("steps"),
            p.path("failure").isNull() || p.path("failure").isMissingNode() ? "" : "  failure: " + p.path("failure").asText());
      }
    }
    return 0;
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List installed plugins with their state.")
  static final class List implements Callable<Integer> {
    @ParentCommand
    PluginsCommand parent;

    @Override
    public Integer call() throws Exception {
      return parent.print(parent.send("GET", "/api/v1/plugins", HttpRequest.BodyPublishers.noBody(), null));
    }
  }

  @Command(name = "install", mixinStandardHelpOptions = true,
      description = "Upload a plugin archive (.zip); the hub checks its descriptor, loads and starts it.")
  static final class Install implements Callable<Integer> {
    @ParentCommand
    PluginsCommand parent;

    @Parameters(paramLabel = "ARCHIVE", description = "The plugin's .zip archive.")
    Path archive;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(archive)) {
        System.err.println("No such file: " + archive);
        return 2;
      }
      return parent.print(parent.send("POST", "/api/v1/plugins", HttpRequest.BodyPublishers.ofFile(archive), "application/zip"));
    }
  }

  /** enable and disable: POST /api/v1/plugins/{id}/{action}. */
  abstract static class Action implements Callable<Integer> {
    @ParentCommand
    PluginsCommand parent;

    @Parameters(paramLabel = "ID", description = "The plugin's id, as `plugins list` shows it.")
    String id;

    abstract String action();

    @Override
    public Integer call() throws Exception {
      return parent.print(parent.send("POST", "/api/v1/plugins/" + id + "/" + action(), HttpRequest.BodyPublishers.noBody(), null));
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable and start a plugin (kept across restarts).")
  static final class Enable extends Action {
    @Override
    String action() {
      return "enable";
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true, description = "Stop and disable a plugin (kept across restarts).")
  static final class Disable extends Action {
    @Override
    String action() {
      return "disable";
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Stop, unload and delete a plugin.")
  static final class Remove implements Callable<Integer> {
    @ParentCommand
    PluginsCommand parent;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() throws Exception {
      int rc = parent.print(parent.send("DELETE", "/api/v1/plugins/" + id, HttpRequest.BodyPublishers.noBody(), null));
      if (rc == 0) {
        System.out.println("Removed " + id);
      }
      return rc;
    }
  }
}
