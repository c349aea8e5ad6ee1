package io.switchboard.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.PluginContext;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.pluginloader.DefaultPluginContext;
import io.switchboard.pluginloader.IsolatingPluginClassLoader;
import io.switchboard.pluginloader.PluginCalls;
import io.switchboard.pluginloader.SwitchboardPluginManager;
import io.switchboard.runtime.Version;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Plugin isolation with real plugin archives built at test time: two plugins bundling different
 * versions of the same library in one hub, the shared API coming from the host even when a plugin
 * bundles its own copy, host internals refused, a plugin whose start throws, the context class
 * loader during extension calls, and unloading a plugin until its class loader is collected.
 */
class PluginIsolationIT {

  static final String GREETER = "com.example.greeting.Greeter";

  @TempDir
  static Path build;

  static Path pluginA;
  static Path pluginB;
  static Path impostor;
  static Path broken;

  @BeforeAll
  static void buildPlugins() throws IOException {
    PluginArchives archives = new PluginArchives(build);
    List<Path> api = PluginArchives.hostApi();

    // One library, two versions: same class name, different behaviour and resources.
    Path greeterV1 = PluginArchives.jar(build.resolve("lib/greeting-1.0.jar"),
        archives.compile("greeter-v1", Map.of(GREETER, greeter("v1")), List.of()),
        Map.of("com/example/greeting/version.txt", "v1"), null);
    Path greeterV2 = PluginArchives.jar(build.resolve("lib/greeting-2.0.jar"),
        archives.compile("greeter-v2", Map.of(GREETER, greeter("v2")), List.of()),
        Map.of("com/example/greeting/version.txt", "v2"), null);

    // Plugin a: a main class, a connector built with its PluginContext; compiled against greeting 1.0.
    Path aClasses = archives.compile("a", Map.of(
        "com.example.a.APlugin", """
            package com.example.a;
            public class APlugin extends org.pf4j.Plugin {
              public static volatile ClassLoader contextLoaderAtStart;
              @Override
              public void start() {
                contextLoaderAtStart = Thread.currentThread().getContextClassLoader();
              }
            }
            """,
        "com.example.a.AConnector", connector("com.example.a", "AConnector",
            "private final io.switchboard.api.PluginContext context;\n"
                + "public AConnector(io.switchboard.api.PluginContext context) { this.context = context; }",
            "context.pluginId()")),
        concat(api, greeterV1));
    pluginA = PluginArchives.pluginZip(build.resolve("dist/plugin-a.zip"), "a", "com.example.a.APlugin", aClasses,
        List.of(greeterV1), "com.example.a.AConnector");

    // Plugin b: no main class (PF4J's default Plugin), a no-argument connector; greeting 2.0.
    Path bClasses = archives.compile("b", Map.of(
        "com.example.b.BConnector", connector("com.example.b", "BConnector", "", "\"b\"")),
        concat(api, greeterV2));
    pluginB = PluginArchives.pluginZip(build.resolve("dist/plugin-b.zip"), "b", null, bClasses,
        List.of(greeterV2), "com.example.b.BConnector");

    // Plugin impostor bundles its own, different io.switchboard.api.ChannelConnector in lib/.
    Path fakeApi = PluginArchives.jar(build.resolve("lib/impostor-api.jar"),
        archives.compile("fake-api", Map.of("io.switchboard.api.ChannelConnector", """
            package io.switchboard.api;
            public interface ChannelConnector {
              String impostor();
            }
            """), List.of()), Map.of(), null);
    Path impostorClasses = archives.compile("impostor", Map.of(
        "com.example.impostor.ImpostorConnector",
        connector("com.example.impostor", "ImpostorConnector", "", "\"impostor\"")), concat(api, greeterV1));
    impostor = PluginArchives.pluginZip(build.resolve("dist/plugin-impostor.zip"), "impostor", null,
        impostorClasses, List.of(fakeApi, greeterV1), "com.example.impostor.ImpostorConnector");

    // Plugin broken, a plain PF4J jar plugin, whose start() throws.
    Path brokenClasses = archives.compile("broken", Map.of(
        "com.example.broken.BrokenPlugin", """
            package com.example.broken;
            public class BrokenPlugin extends org.pf4j.Plugin {
              @Override
              public void start() {
                throw new IllegalStateException("no licence key configured for the broken plugin");
              }
            }
            """,
        "com.example.broken.BrokenConnector", connector("com.example.broken", "BrokenConnector", "", "\"broken\"")),
        concat(api, greeterV1));
    broken = PluginArchives.pluginJar(build.resolve("dist/plugin-broken.jar"), "broken",
        "com.example.broken.BrokenPlugin", brokenClasses, "com.example.broken.BrokenConnector");
  }

  static String greeter(String version) {
    return """
        package com.example.greeting;
        public final class Greeter {
          private Greeter() {}
          public static String version() {
            return "%s";
          }
        }
        """.formatted(version);
  }

  /**
   * A connector whose id is {@code <prefix>:<Greeter.version()>}, whose verify refuses requests
   * with an X-Fail header, and whose parse reports the context class loader it ran with and the
   * greeting library's version.txt as seen through that loader.
   */
  static String connector(String pkg, String name, String members, String idPrefix) {
    return """
        package %1$s;

        import io.switchboard.api.*;
        import java.io.InputStream;
        import java.nio.charset.StandardCharsets;
        import java.util.List;
        import java.util.Set;

        @org.pf4j.Extension
        public class %2$s implements ChannelConnector {
          %3$s

          @Override
          public String id() {
            return %4$s + ":" + com.example.greeting.Greeter.version();
          }

          @Override
          public Set<String> endpoints() {
            return Set.of("in");
          }

          @Override
          public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
            if (request.header("X-Fail") != null) {
              throw WebhookException.forbidden("refused", "refused with context loader " + contextLoader());
            }
          }

          @Override
          public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) {
            return List.of(new InboundMessage("test", "m1", "+15550001", "+15550002",
                "context=" + contextLoader() + " greeting=" + greeting(), null, null, null));
          }

          @Override
          public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
            return WebhookResponse.ok();
          }

          private static String contextLoader() {
            ClassLoader tccl = Thread.currentThread().getContextClassLoader();
            return tccl == %2$s.class.getClassLoader() ? "plugin" : String.valueOf(tccl);
          }

          private static String greeting() {
            try (InputStream in = Thread.currentThread().getContextClassLoader()
                .getResourceAsStream("com/example/greeting/version.txt")) {
              return in == null ? "none" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
              return e.toString();
            }
          }
        }
        """.formatted(pkg, name, members, idPrefix);
  }

  static List<Path> concat(List<Path> a, Path b) {
    return java.util.stream.Stream.concat(a.stream(), java.util.stream.Stream.of(b)).toList();
  }

  static Path install(Path pluginsDir, Path... archives) throws IOException {
    Files.createDirectories(pluginsDir);
    for (Path archive : archives) {
      Files.copy(archive, pluginsDir.resolve(archive.getFileName()));
    }
    return pluginsDir;
  }

  static WebhookRequest request(Map<String, String> headers) {
    return new WebhookRequest("POST", "http://localhost/webhooks/t/x/in", headers, new byte[0]);
  }

  static final ChannelSettings SETTINGS = new ChannelSettings("t", Map.of(), Map.of());

  static void stopAndUnload(PluginManager manager) {
    // Not stopPlugins(): PF4J 3.15.0 throws ConcurrentModificationException there (pf4j#656).
    for (PluginWrapper p : List.copyOf(manager.getStartedPlugins())) {
      manager.stopPlugin(p.getPluginId());
    }
    manager.unloadPlugins();
  }

  @Test
  void twoPluginsBundlingDifferentVersionsOfALibraryEachSeeTheirOwn(@TempDir Path dir) throws Exception {
    List<String> contextsMade = new CopyOnWriteArrayList<>();
    SwitchboardPluginManager manager = new SwitchboardPluginManager(Version.HUB, id -> {
      contextsMade.add(id);
      return new DefaultPluginContext(id);
    }, install(dir, pluginA, pluginB));
    try {
      manager.loadPlugins();
      manager.startPlugins();

      assertThat(manager.getPlugins()).extracting(PluginWrapper::getPluginId).containsExactlyInAnyOrder("a", "b");
      assertThat(manager.getPlugins()).allSatisfy(p -> assertThat(p.getPluginState()).isEqualTo(PluginState.STARTED));
      List<ChannelConnector> connectors = manager.getExtensions(ChannelConnector.class);
      assertThat(connectors).extracting(ChannelConnector::id).containsExactlyInAnyOrder("a:v1", "b:v2");

      ClassLoader a = manager.getPluginClassLoader("a");
      ClassLoader b = manager.getPluginClassLoader("b");
      // Zips are unpacked to directories and loaded by PF4J's DefaultPluginLoader: ours in both cases.
      assertThat(a).isInstanceOf(IsolatingPluginClassLoader.class).isNotSameAs(b);
      assertThat(b).isInstanceOf(IsolatingPluginClassLoader.class);
      assertThat(dir.resolve("plugin-a")).isDirectory();

      Class<?> greeterA = a.loadClass(GREETER);
      Class<?> greeterB = b.loadClass(GREETER);
      assertThat(greeterA).isNotSameAs(greeterB);
      assertThat(greeterA.getClassLoader()).isSameAs(a);
      assertThat(greeterA.getMethod("version").invoke(null)).isEqualTo("v1");
      assertThat(greeterB.getMethod("version").invoke(null)).isEqualTo("v2");
      assertThat(read(a.getResource("com/example/greeting/version.txt"))).isEqualTo("v1");
      assertThat(read(b.getResource("com/example/greeting/version.txt"))).isEqualTo("v2");

      // The extension point is the host's own Class object, in both plugins.
      assertThat(a.loadClass(ChannelConnector.class.getName())).isSameAs(ChannelConnector.class);
      assertThat(b.loadClass(ChannelConnector.class.getName())).isSameAs(ChannelConnector.class);
      assertThat(a.loadClass(PluginContext.class.getName())).isSameAs(PluginContext.class);
      assertThat(a.loadClass("org.slf4j.Logger")).isSameAs(org.slf4j.Logger.class);
      assertThat(a.loadClass("org.pf4j.Plugin")).isSameAs(org.pf4j.Plugin.class);
      assertThat(a.loadClass("java.sql.Connection")).isSameAs(java.sql.Connection.class);

      // Each plugin's extension index is its own, never the host's or the other plugin's.
      assertThat(Collections.list(a.getResources("META-INF/extensions.idx"))).singleElement()
          .satisfies(u -> assertThat(read(u)).contains("com.example.a.AConnector").doesNotContain("BConnector"));

      // The plugin's main class got PF4J's start(); a's connector its PluginContext, b's none.
      assertThat(manager.getPlugin("a").getPlugin().getClass().getName()).isEqualTo("com.example.a.APlugin");
      assertThat(manager.getPlugin("b").getPlugin().getClass()).isSameAs(org.pf4j.Plugin.class);
      assertThat(contextsMade).containsExactly("a");
      // Singletons: asking again gives the same instances.
      assertThat(manager.getExtensions(ChannelConnector.class, "a").get(0))
          .isSameAs(manager.getExtensions(ChannelConnector.class, "a").get(0));
    } finally {
      stopAndUnload(manager);
    }
  }

  @Test
  void aPluginBundlingItsOwnCopyOfTheApiStillGetsTheHosts(@TempDir Path dir) throws Exception {
    SwitchboardPluginManager manager =
        new SwitchboardPluginManager(Version.HUB, DefaultPluginContext::new, install(dir, impostor));
    try {
      manager.loadPlugins();
      manager.startPlugins();
      ClassLoader loader = manager.getPluginClassLoader("impostor");

      assertThat(loader.loadClass("io.switchboard.api.ChannelConnector")).isSameAs(ChannelConnector.class);
      String path = "io/switchboard/api/ChannelConnector.class";
      List<URL> copies = Collections.list(loader.getResources(path));
      assertThat(copies).hasSize(2);
      assertThat(copies.get(0)).isEqualTo(ChannelConnector.class.getClassLoader().getResource(path));
      assertThat(copies.get(1).toString()).contains("impostor-api.jar");
      assertThat(loader.getResource(path)).isEqualTo(copies.get(0));

      List<ChannelConnector> connectors = manager.getExtensions(ChannelConnector.class, "impostor");
      assertThat(connectors).singleElement().satisfies(c -> {
        assertThat(c).isInstanceOf(ChannelConnector.class);
        assertThat(c.id()).isEqualTo("impostor:v1");
      });
    } finally {
      stopAndUnload(manager);
    }
  }

  @Test
  void hostInternalsAndTheHostsOtherLibrariesAreNotVisibleToPlugins(@TempDir Path dir) throws Exception {
    SwitchboardPluginManager manager =
        new SwitchboardPluginManager(Version.HUB, DefaultPluginContext::new, install(dir, pluginA));
    try {
      manager.loadPlugins();
      ClassLoader a = manager.getPluginClassLoader("a");

      // The host has these classes (this test loads them), but does not share them.
      assertThat(PluginHost.class.getName()).startsWith("io.switchboard.runtime.");
      assertThatThrownBy(() -> a.loadClass(PluginHost.class.getName()))
          .isInstanceOf(ClassNotFoundException.class)
          .hasMessageContaining("io.switchboard.runtime.plugin.PluginHost is not in plugin 'a'")
          .hasMessageContaining("internal to the hub, and plugins may use only io.switchboard.api");
      assertThatThrownBy(() -> Class.forName("io.switchboard.runtime.Version", true, a))
          .isInstanceOf(ClassNotFoundException.class);
      // The plugin loader is host-internal too: a plugin must not reach the plugin manager or LoaderSwap.
      assertThatThrownBy(() -> a.loadClass(SwitchboardPluginManager.class.getName()))
          .isInstanceOf(ClassNotFoundException.class)
          .hasMessageContaining("internal to the hub, and plugins may use only io.switchboard.api");
      assertThatThrownBy(() -> a.loadClass("org.apache.kafka.clients.producer.KafkaProducer"))
          .isInstanceOf(ClassNotFoundException.class)
          .hasMessageContaining("the hub has it but does not share it with plugins: bundle it in the plugin's lib/");
      assertThatThrownBy(() -> a.loadClass("com.example.Missing"))
          .isInstanceOf(ClassNotFoundException.class)
          .hasMessage("com.example.Missing is not in plugin 'a' (its classes/ and lib/), its plugin dependencies "
              + "or the JDK");
      assertThat(ClassLoader.getSystemClassLoader().getResource("io/switchboard/runtime/version.properties")).isNotNull();
      assertThat(a.getResource("io/switchboard/runtime/version.properties")).isNull();
      assertThat(Collections.list(a.getResources("io/switchboard/runtime/version.properties"))).isEmpty();

      // The JDK stays visible, also the packages outside java/javax.
      assertThat(a.loadClass("org.w3c.dom.Document")).isSameAs(org.w3c.dom.Document.class);
      assertThat(a.loadClass("javax.xml.parsers.DocumentBuilderFactory"))
          .isSameAs(javax.xml.parsers.DocumentBuilderFactory.class);
      assertThat(a.loadClass("java.net.http.HttpClient")).isSameAs(java.net.http.HttpClient.class);
    } finally {
      stopAndUnload(manager);
    }
  }

  @Test
  void aPluginWhoseStartThrowsIsFailedWithTheReasonWhileTheOthersRun(@TempDir Path dir) throws Exception {
    try (PluginHost host = new PluginHost(install(dir, pluginA, pluginB, broken))) {
      host.start();

      PluginWrapper failed = host.manager().getPlugin("broken");
      assertThat(failed.getPluginState()).isEqualTo(PluginState.FAILED);
      assertThat(failed.getFailedException()).isInstanceOf(IllegalStateException.class)
          .hasMessage("no licence key configured for the broken plugin");
      // Jar plugins get the isolating loader too (PF4J's JarPluginLoader).
      assertThat(failed.getPluginClassLoader()).isInstanceOf(IsolatingPluginClassLoader.class);
      assertThat(host.failures()).containsExactly(
          Map.entry("broken", "FAILED: no licence key configured for the broken plugin"));
      assertThat(host.isHealthy()).isFalse();

      assertThat(host.manager().getPlugin("a").getPluginState()).isEqualTo(PluginState.STARTED);
      assertThat(host.manager().getPlugin("b").getPluginState()).isEqualTo(PluginState.STARTED);
      // The failed plugin's connector is not served; the others are.
      assertThat(host.connectorIds()).containsExactly("a:v1", "b:v2");

      // The host starts each plugin with its own loader as the context class loader.
      ClassLoader a = host.manager().getPluginClassLoader("a");
      assertThat(a.loadClass("com.example.a.APlugin").getField("contextLoaderAtStart").get(null)).isSameAs(a);
    }
  }

  @Test
  void extensionCallsRunWithThePluginsContextClassLoaderAndRestoreIt(@TempDir Path dir) throws Exception {
    try (PluginHost host = new PluginHost(install(dir, pluginA, pluginB))) {
      host.start();
      ChannelConnector a = host.connector("a:v1").orElseThrow();
      ChannelConnector b = host.connector("b:v2").orElseThrow();
      ClassLoader before = Thread.currentThread().getContextClassLoader();

      // Without the swap, plugin code sees the hub's loader and not its own libraries' resources.
      assertThat(a.parse(request(Map.of()), SETTINGS).get(0).text()).startsWith("context=")
          .doesNotStartWith("context=plugin").endsWith("greeting=none");

      List<InboundMessage> fromA = PluginCalls.call(a, () -> a.parse(request(Map.of()), SETTINGS));
      assertThat(fromA).singleElement().extracting(InboundMessage::text).isEqualTo("context=plugin greeting=v1");
      assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
      List<InboundMessage> fromB = PluginCalls.call(b, () -> b.parse(request(Map.of()), SETTINGS));
      assertThat(fromB).singleElement().extracting(InboundMessage::text).isEqualTo("context=plugin greeting=v2");

      assertThatThrownBy(() -> PluginCalls.call(a, () -> {
        a.verify(request(Map.of("X-Fail", "1")), SETTINGS);
        return null;
      })).isInstanceOf(WebhookException.class).hasMessage("refused with context loader plugin");
      assertThat(Thread.currentThread().getContextClassLoader()).isSameAs(before);
    }
  }

  @Test
  void anUnloadedPluginsClassLoaderCanBeCollected(@TempDir Path dir) throws Exception {
    try (PluginHost host = new PluginHost(install(dir, pluginA, pluginB))) {
      host.start();
      Map<String, WeakReference<Object>> refs = useAndWatch(host);
      // Control: while the plugin is loaded, a collection leaves its loader alone.
      System.gc();
      assertThat(alive(refs)).containsExactlyElementsOf(refs.keySet());

      assertThat(host.unload("a")).isTrue();
      assertThat(host.unload("a")).isFalse();
      assertThat(host.connectorIds()).containsExactly("b:v2");
      assertThat(host.manager().getPlugin("a")).isNull();
      assertThat(host.manager().getPluginClassLoader("a")).isNull();

      for (int i = 0; i < 50 && !alive(refs).isEmpty(); i++) {
        System.gc();
        Thread.sleep(100);
      }
      assertThat(alive(refs)).as("what of plugin a is still reachable 5 s after unloading it").isEmpty();
      // The other plugin is untouched.
      ChannelConnector b = host.connector("b:v2").orElseThrow();
      assertThat(PluginCalls.call(b, () -> b.parse(request(Map.of()), SETTINGS)).get(0).text())
          .isEqualTo("context=plugin greeting=v2");
    }
  }

  /** Uses plugin a the way the hub does, and returns weak references to its loader and classes. */
  private static Map<String, WeakReference<Object>> useAndWatch(PluginHost host) throws Exception {
    ChannelConnector a = host.connector("a:v1").orElseThrow();
    assertThat(PluginCalls.call(a, () -> a.parse(request(Map.of()), SETTINGS))).hasSize(1);
    ClassLoader loader = a.getClass().getClassLoader();
    assertThat(loader).isInstanceOf(IsolatingPluginClassLoader.class);
    assertThat(((IsolatingPluginClassLoader) loader).pluginId()).isEqualTo("a");
    Map<String, WeakReference<Object>> refs = new java.util.LinkedHashMap<>();
    refs.put("its class loader", new WeakReference<>(loader));
    refs.put("its connector class", new WeakReference<>(a.getClass()));
    refs.put("its Greeter class", new WeakReference<>(loader.loadClass(GREETER)));
    return refs;
  }

  private static List<String> alive(Map<String, WeakReference<Object>> refs) {
    return refs.entrySet().stream().filter(e -> e.getValue().get() != null).map(Map.Entry::getKey).toList();
  }

  private static String read(URL url) {
    try (InputStream in = url.openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
