package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.plugin.PluginArchives;
import io.switchboard.runtime.util.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin installed, used, disabled, enabled again and removed on a running hub while traffic
 * flows: nothing is lost, other tenants are unaffected, and the admin API takes only the admin key.
 */
class PluginLifecycleIT {

  /** The plugins every test hub starts with: the bundled ones the demo tenant uses. */
  static final String[] BUNDLED = {"ai-llm", "ai-local", "twilio"};

  private static final String ADMIN = "test-admin-key";

  @TempDir
  Path dir;

  /** A step plugin built at test time: {@code test.tagger} puts its configured tag into the signals. */
  private Path taggerZip() throws Exception {
    PluginArchives archives = new PluginArchives(dir.resolve("build"));
    Path classes = archives.compile("tagger", Map.of(
        "com.example.tagger.TaggerStep", """
            package com.example.tagger;
            import io.switchboard.api.*;
            public class TaggerStep implements StepFactory<TaggerStep.Config> {
              public record Config(String tag) {}
              public String name() { return "test.tagger"; }
              public Class<Config> configType() { return Config.class; }
              public Step create(Config c) { return e -> e.putSignal("tag", c.tag()); }
            }
            """), PluginArchives.hostApi());
    return PluginArchives.pluginZip(dir.resolve("tagger.zip"), "tagger", null, classes, List.of(),
        "com.example.tagger.TaggerStep");
  }

  @Test
  void installUseDisableEnableAndRemoveWhileTrafficFlows() throws Exception {
    HubFixture fixture = HubFixture.prepare(dir.resolve("home"));
    Files.writeString(fixture.home.resolve("config/tenants/beta.yaml"), """
        id: beta
        apiKeys: [sb_beta_key]
        channels:
          twilio:
            secrets:
              authToken: beta-token
        plugins: [tagger]
        workflow:
          steps:
            - step: test.tagger
              config: {tag: vip}
        """);
    fixture.overrides.put(SwitchboardConfig.ADMIN_API_KEY, ADMIN);
    byte[] zip = Files.readAllBytes(taggerZip());

    try (HubFixture hub = fixture.start()) {
      HubIT.hub = hub;
      // Traffic for demo (no plugin of its own beyond twilio) runs through the whole test.
      AtomicBoolean running = new AtomicBoolean(true);
      List<String> demoSids = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger demoFailures = new AtomicInteger();
      Thread traffic = new Thread(() -> {
        while (running.get()) {
          String sid = HubIT.newSid();
          try {
            HttpResponse<String> r = hub.postTwilio("/webhooks/demo/twilio/sms", HubIT.sms(sid, "+15551237001", "steady"), HubFixture.DEMO_TOKEN);
            if (r.statusCode() == 200) {
              demoSids.add(sid);
            } else {
              demoFailures.incrementAndGet();
            }
            Thread.sleep(20);
          } catch (Exception e) {
            demoFailures.incrementAndGet();
          }
        }
      });
      traffic.start();

      // The admin API wants the admin key, not a tenant's.
      assertThat(hub.send("GET", "/api/v1/plugins", null, HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(401);
      assertThat(hub.send("GET", "/api/v1/plugins", HubFixture.DEMO_KEY, HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(401);
      JsonNode before = Json.MAPPER.readTree(hub.send("GET", "/api/v1/plugins", ADMIN, HttpRequest.BodyPublishers.noBody()).body());
      assertThat(before.path("items").findValuesAsText("id")).containsExactly(BUNDLED);

      // Before the plugin exists, beta's messages are kept as dead letters naming tenant and plugin.
      String early = HubIT.newSid();
      assertThat(hub.postTwilio("/webhooks/beta/twilio/sms", betaSms(early), "beta-token").statusCode()).isEqualTo(200);
      awaitCount(hub, "select count(*) from dead_letters where tenant_id = 'beta' and kind = 'workflow_unavailable'", 1);
      assertThat(hub.count("select count(*) from dead_letters where tenant_id = 'beta' and reason like ?",
          "%tenant 'beta' workflow cannot run: %plugin 'tagger' is not installed%")).isEqualTo(1);

      // Install: descriptor checked, loaded, started; beta's workflow runs and the early message comes back.
      HttpResponse<String> installed = hub.send("POST", "/api/v1/plugins", ADMIN, HttpRequest.BodyPublishers.ofByteArray(zip));
      assertThat(installed.statusCode()).as(installed.body()).isEqualTo(201);
      JsonNode view = Json.MAPPER.readTree(installed.body());
      assertThat(view.path("id").asText()).isEqualTo("tagger");
      assertThat(view.path("state").asText()).isEqualTo("STARTED");
      assertThat(view.path("steps").toString()).contains("test.tagger");
      // the step's configuration schema, generated from its config type
      assertThat(view.path("stepSchemas").path("test.tagger").path("properties").path("tag").path("type").asText())
          .isEqualTo("string");
      JsonNode replayed = awaitInteraction(hub, early);
      assertThat(replayed.path("signals").path("tag").asText()).isEqualTo("vip");
      assertThat(hub.send("POST", "/api/v1/plugins", ADMIN, HttpRequest.BodyPublishers.ofByteArray(zip)).statusCode())
          .as("the same id twice").isEqualTo(409);

      // Use.
      String used = HubIT.newSid();
      hub.postTwilio("/webhooks/beta/twilio/sms", betaSms(used), "beta-token");
      assertThat(awaitInteraction(hub, used).path("signals").path("tag").asText()).isEqualTo("vip");

      // Disable: beta's messages wait in the dead-letter store; enable: they are processed.
      assertThat(hub.send("POST", "/api/v1/plugins/tagger/disable", ADMIN, HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(200);
      String whileDisabled = HubIT.newSid();
      hub.postTwilio("/webhooks/beta/twilio/sms", betaSms(whileDisabled), "beta-token");
      awaitCount(hub, "select count(*) from dead_letters where tenant_id = 'beta' and reason like '%plugin ''tagger'' is disabled%'", 1);
      assertThat(hub.send("POST", "/api/v1/plugins/tagger/enable", ADMIN, HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(200);
      assertThat(awaitInteraction(hub, whileDisabled).path("signals").path("tag").asText()).isEqualTo("vip");

      // Remove: stopped, unloaded, files deleted.
      assertThat(hub.send("DELETE", "/api/v1/plugins/tagger", ADMIN, HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(204);
      JsonNode after = Json.MAPPER.readTree(hub.send("GET", "/api/v1/plugins", ADMIN, HttpRequest.BodyPublishers.noBody()).body());
      assertThat(after.path("items").findValuesAsText("id")).containsExactly(BUNDLED);
      try (var files = Files.list(hub.hub.config().path(SwitchboardConfig.PLUGINS_DIR))) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("tagger"));
      }

      running.set(false);
      traffic.join();
      // Other traffic was never refused, and every accepted demo message is stored exactly once.
      assertThat(demoFailures).hasValue(0);
      assertThat(demoSids).hasSizeGreaterThan(10);
      awaitCount(hub, "select count(*) from interactions where tenant_id = 'demo'", demoSids.size());
      assertThat(hub.count("select count(*) from interactions where tenant_id = 'beta'")).isEqualTo(3);
    } finally {
      HubIT.hub = null;
    }
  }

  @Test
  void archivesAreCheckedBeforeAnythingIsInstalled() throws Exception {
    HubFixture fixture = HubFixture.prepare(dir.resolve("home2"));
    fixture.overrides.put(SwitchboardConfig.ADMIN_API_KEY, ADMIN);
    fixture.overrides.put(SwitchboardConfig.PLUGINS_MAX_ARCHIVE, "100000");
    byte[] zip = Files.readAllBytes(taggerZip());
    try (HubFixture hub = fixture.start()) {
      HttpResponse<String> garbage = hub.send("POST", "/api/v1/plugins", ADMIN, HttpRequest.BodyPublishers.ofString("not a zip"));
      assertThat(garbage.statusCode()).isEqualTo(400);
      assertThat(Json.MAPPER.readTree(garbage.body()).path("code").asText()).isEqualTo("invalid_archive");

      HttpResponse<String> tooBig = hub.send("POST", "/api/v1/plugins", ADMIN, HttpRequest.BodyPublishers.ofByteArray(new byte[200_000]));
      assertThat(tooBig.statusCode()).isEqualTo(413);

      assertThat(hub.send("POST", "/api/v1/plugins/nope/enable", ADMIN, HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(404);
      assertThat(hub.send("POST", "/api/v1/plugins", HubFixture.DEMO_KEY, HttpRequest.BodyPublishers.ofByteArray(zip)).statusCode()).isEqualTo(401);
      assertThat(Json.MAPPER.readTree(hub.send("GET", "/api/v1/plugins", ADMIN, HttpRequest.BodyPublishers.noBody()).body())
          .path("items").findValuesAsText("id")).containsExactly(BUNDLED);
    }

    // With an allowlist, only listed archives install.
    HubFixture strict = HubFixture.prepare(dir.resolve("home3"));
    strict.overrides.put(SwitchboardConfig.ADMIN_API_KEY, ADMIN);
    strict.overrides.put(SwitchboardConfig.PLUGINS_ALLOWED_SHA256, "00".repeat(32));
    try (HubFixture hub = strict.start()) {
      HttpResponse<String> refused = hub.send("POST", "/api/v1/plugins", ADMIN, HttpRequest.BodyPublishers.ofByteArray(zip));
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(Json.MAPPER.readTree(refused.body()).path("code").asText()).isEqualTo("archive_not_allowed");
    }
  }

  @Test
  void aStepThatThrowsIsDeadLetteredAndAPluginThatCannotStartIsFailedWhileTheRestRuns() throws Exception {
    PluginArchives archives = new PluginArchives(dir.resolve("build2"));
    Path boomClasses = archives.compile("boom", Map.of("com.example.boom.BoomStep", """
        package com.example.boom;
        import io.switchboard.api.*;
        public class BoomStep implements StepFactory<Void> {
          public String name() { return "test.boom"; }
          public Class<Void> configType() { return Void.class; }
          public Step create(Void c) { return e -> { throw new IllegalStateException("exploded on " + e.interaction().text()); }; }
        }
        """), PluginArchives.hostApi());
    byte[] boom = Files.readAllBytes(PluginArchives.pluginZip(dir.resolve("boom.zip"), "boom", null, boomClasses, List.of(),
        "com.example.boom.BoomStep"));
    Path brokenClasses = archives.compile("broken", Map.of("com.example.broken.BrokenPlugin", """
        package com.example.broken;
        public class BrokenPlugin extends org.pf4j.Plugin {
          @Override public void start() { throw new IllegalStateException("no licence key configured"); }
        }
        """), PluginArchives.hostApi());
    byte[] broken = Files.readAllBytes(PluginArchives.pluginZip(dir.resolve("broken.zip"), "broken",
        "com.example.broken.BrokenPlugin", brokenClasses, List.of()));

    HubFixture fixture = HubFixture.prepare(dir.resolve("home4"));
    Files.writeString(fixture.home.resolve("config/tenants/gamma.yaml"), """
        id: gamma
        apiKeys: [sb_gamma_key]
        channels:
          twilio:
            secrets:
              authToken: gamma-token
        plugins: [boom]
        workflow:
          steps:
            - step: test.boom
        """);
    fixture.overrides.put(SwitchboardConfig.ADMIN_API_KEY, ADMIN);
    try (HubFixture hub = fixture.start()) {
      HttpResponse<String> failed = hub.send("POST", "/api/v1/plugins", ADMIN, HttpRequest.BodyPublishers.ofByteArray(broken));
      assertThat(failed.statusCode()).isEqualTo(201);
      JsonNode failedView = Json.MAPPER.readTree(failed.body());
      assertThat(failedView.path("state").asText()).isEqualTo("FAILED");
      assertThat(failedView.path("failure").asText()).contains("no licence key configured");
      assertThat(hub.send("POST", "/api/v1/plugins", ADMIN, HttpRequest.BodyPublishers.ofByteArray(boom)).statusCode()).isEqualTo(201);

      // the hub stays ready and says which plugin failed
      HttpResponse<String> health = hub.get("/health", null);
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(Json.MAPPER.readTree(health.body()).path("pluginFailures").path("broken").asText()).contains("no licence key");

      String sid = HubIT.newSid();
      Map<String, String> form = HubIT.sms(sid, "+15551237003", "trigger");
      assertThat(hub.postTwilio("/webhooks/gamma/twilio/sms", form, "gamma-token").statusCode()).isEqualTo(200);
      awaitCount(hub, "select count(*) from dead_letters where tenant_id = 'gamma' and kind = 'step_failed'", 1);
      assertThat(hub.count("select count(*) from dead_letters where tenant_id = 'gamma' and reason like ?",
          "%step 'test.boom' failed 3 time(s)%exploded on trigger%")).isEqualTo(1);
      assertThat(hub.count("select count(*) from interactions where tenant_id = 'gamma'")).isZero();
      assertThat(hub.count("select count(*) from contacts where tenant_id = 'gamma'")).as("the failed record's writes are undone").isZero();

      // the pipeline goes on: the next demo message is stored
      String after = HubIT.newSid();
      hub.postTwilio("/webhooks/demo/twilio/sms", HubIT.sms(after, "+15551237004", "still flowing"), HubFixture.DEMO_TOKEN);
      awaitCount(hub, "select count(*) from interactions where tenant_id = 'demo'", 1);
    }
  }

  @Test
  void installedPluginsAndTheirStateSurviveARestart() throws Exception {
    HubFixture fixture = HubFixture.prepare(dir.resolve("home5"));
    fixture.overrides.put(SwitchboardConfig.ADMIN_API_KEY, ADMIN);
    byte[] zip = Files.readAllBytes(taggerZip());
    try (HubFixture hub = fixture.start()) {
      assertThat(hub.send("POST", "/api/v1/plugins", ADMIN, HttpRequest.BodyPublishers.ofByteArray(zip)).statusCode()).isEqualTo(201);
      assertThat(hub.send("POST", "/api/v1/plugins/tagger/disable", ADMIN, HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(200);
    }
    try (HubFixture hub = fixture.start()) {
      JsonNode tagger = Json.MAPPER.readTree(hub.send("GET", "/api/v1/plugins/tagger", ADMIN, HttpRequest.BodyPublishers.noBody()).body());
      assertThat(tagger.path("state").asText()).isEqualTo("DISABLED");
      assertThat(hub.send("POST", "/api/v1/plugins/tagger/enable", ADMIN, HttpRequest.BodyPublishers.noBody()).statusCode()).isEqualTo(200);
    }
    try (HubFixture hub = fixture.start()) {
      JsonNode tagger = Json.MAPPER.readTree(hub.send("GET", "/api/v1/plugins/tagger", ADMIN, HttpRequest.BodyPublishers.noBody()).body());
      assertThat(tagger.path("state").asText()).isEqualTo("STARTED");
      assertThat(tagger.path("steps").toString()).contains("test.tagger");
    }
  }

  private static Map<String, String> betaSms(String sid) {
    Map<String, String> f = HubIT.sms(sid, "+15551237002", "beta message");
    f.put("To", "+15550008000");
    return f;
  }

  private static JsonNode awaitInteraction(HubFixture hub, String sid) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode page = Json.MAPPER.readTree(hub.get("/api/v1/tenants/beta/interactions?limit=200", "sb_beta_key").body());
      for (JsonNode item : page.path("items")) {
        if (sid.equals(item.path("providerMessageId").asText())) {
          return item;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("beta interaction " + sid + " was not stored within 40 s");
  }

  private static void awaitCount(HubFixture hub, String sql, long expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    long n = -1;
    while (System.nanoTime() < deadline) {
      n = hub.count(sql);
      if (n == expected) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(sql + " = " + n + ", expected " + expected);
  }
}
