package io.switchboard.testkit;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.PluginContext;
import io.switchboard.api.StepFactory;
import io.switchboard.pluginloader.ClassLoadingPolicy;
import io.switchboard.pluginloader.SwitchboardPluginManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A packaged plugin zip, checked and loaded with a real PF4J plugin manager in its own class loader,
 * so that an integration test can use the extensions exactly as they come out of the archive.
 *
 * <pre>{@code
 * try (PluginArchive plugin = PluginArchive.load(Path.of("target/my-plugin.zip"))) {
 *   ChannelConnector connector = plugin.connector("acme");
 *   ...
 * }
 * }</pre>
 *
 * <p>Loading is the hub's own code ({@link SwitchboardPluginManager} from switchboard-plugin-loader):
 * the plugin gets its own class loader with the hub's rule ({@link #HOST_PREFIXES} from the host,
 * everything else only from the archive), its plugin class and extensions are built through a
 * constructor taking a {@link PluginContext} when they have one (a {@link TestPluginContext} unless
 * the test passes its own), and {@code plugin.requires} is checked against this kit's hub version.
 * {@link #load} fails with a {@link ContractViolation} that lists every problem: the archive's
 * layout ({@link #problems}), a plugin that does not start, and each extension that cannot be loaded
 * or created (a library missing from lib/, say).
 */
public final class PluginArchive implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PluginArchive.class);

  /**
   * Package prefixes the hub shares with every plugin, host first: a plugin's own copy of such a
   * class is used only when the hub has none. Every other name comes only from the plugin. The hub's
   * list itself, {@link ClassLoadingPolicy#HOST_PREFIXES}.
   */
  public static final List<String> HOST_PREFIXES = ClassLoadingPolicy.HOST_PREFIXES;

  /** Classes the hub always supplies to plugins: a copy in lib/ is a packaging error. */
  static final List<String> PROVIDED = List.of(
      "io/switchboard/api/", "org/pf4j/", "org/slf4j/", "com/github/zafarkhaja/semver/");

  /** Other shared packages worth a warning when a lib/ jar carries them: the hub's copy wins. */
  static final List<String> SHARED = List.of(
      "com/fasterxml/jackson/", "org/apache/camel/", "io/micrometer/", "javax/", "jakarta/");

  private final Path zip;
  private final Path workDir;
  private final SwitchboardPluginManager manager;
  private final PluginWrapper plugin;
  private final List<String> entries;

  private PluginArchive(Path zip, Path workDir, SwitchboardPluginManager manager, PluginWrapper plugin,
      List<String> entries) {
    this.zip = zip;
    this.workDir = workDir;
    this.manager = manager;
    this.plugin = plugin;
    this.entries = entries;
  }

  /** The hub version this kit belongs to (without {@code -SNAPSHOT}), as the hub reports it to PF4J. */
  public static String hubVersion() {
    try (InputStream in = PluginArchive.class.getResourceAsStream("testkit.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "0.0.0").replace("-SNAPSHOT", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Checks and loads a plugin zip, as this kit's hub version would, with a {@link TestPluginContext}.
   *
   * @throws ContractViolation when the archive is malformed, the plugin does not start or an
   *     extension cannot be created
   */
  public static PluginArchive load(Path zip) {
    return load(zip, null, hubVersion());
  }

  /** Checks and loads a plugin zip; the plugin and its extensions get {@code context}. */
  public static PluginArchive load(Path zip, PluginContext context) {
    return load(zip, context, hubVersion());
  }

  /**
   * Checks and loads a plugin zip as a hub of {@code hubVersion} would.
   *
   * @param context the plugin's context; null for a {@link TestPluginContext} with the plugin's id
   */
  public static PluginArchive load(Path zip, PluginContext context, String hubVersion) {
    List<String> problems = problems(zip);
    if (!problems.isEmpty()) {
      throw new ContractViolation("plugin archive " + zip + " is not installable:\n  - " + String.join("\n  - ", problems));
    }
    for (String s : shared(zip)) {
      LOG.warn("Plugin archive {}: {}", zip.getFileName(), s);
    }
    Path workDir;
    try {
      workDir = Files.createTempDirectory("switchboard-plugin-");
      Files.copy(zip, workDir.resolve(zip.getFileName()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + zip + " to a temporary plugins directory", e);
    }
    SwitchboardPluginManager manager = new SwitchboardPluginManager(hubVersion,
        id -> context != null ? context : new TestPluginContext(id), workDir);
    try {
      manager.loadPlugins();
      List<PluginWrapper> loaded = manager.getPlugins();
      if (loaded.size() != 1) {
        throw new ContractViolation("PF4J loaded " + loaded.size() + " plugins from " + zip
            + "; expected one (see the PF4J log for why a plugin was refused)");
      }
      PluginWrapper plugin = loaded.get(0);
      manager.startInItsLoader(plugin.getPluginId());
      if (plugin.getPluginState() != PluginState.STARTED) {
        Throwable failure = plugin.getFailedException();
        throw new ContractViolation("plugin '" + plugin.getPluginId() + "' from " + zip + " is "
            + plugin.getPluginState() + " (plugin.requires '" + plugin.getDescriptor().getRequires()
            + "', hub version " + hubVersion + ")" + (failure == null ? "" : ": " + failure), failure);
      }
      List<String> broken = createExtensions(manager, plugin);
      if (!broken.isEmpty()) {
        throw new ContractViolation("plugin '" + plugin.getPluginId() + "' from " + zip + " has extensions the hub"
            + " could not use:\n  - " + String.join("\n  - ", broken));
      }
      return new PluginArchive(zip, workDir, manager, plugin, entries(zip));
    } catch (RuntimeException | Error e) {
      manager.stopAndUnloadAll();
      delete(workDir);
      throw e;
    }
  }

  /**
   * Loads and creates every indexed extension, as the hub does when it asks for them. PF4J itself
   * only logs an extension it cannot load and leaves it out; here each one is a listed problem.
   */
  private static List<String> createExtensions(PluginManager manager, PluginWrapper plugin) {
    List<String> broken = new ArrayList<>();
    for (String name : manager.getExtensionClassNames(plugin.getPluginId())) {
      try {
        Class<?> type = plugin.getPluginClassLoader().loadClass(name);
        manager.getExtensionFactory().create(type);
      } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
        Throwable cause = e instanceof PluginRuntimeException && e.getCause() != null ? e.getCause() : e;
        broken.add(name + ": " + cause);
      }
    }
    return broken;
  }

  /**
   * What makes a plugin zip uninstallable: a missing or unfiltered {@code plugin.properties}, no
   * extension index, or jars in {@code lib/} that carry classes the hub provides (the API, PF4J,
   * SLF4J). Empty when the archive is fine.
   */
  public static List<String> problems(Path zip) {
    List<String> problems = new ArrayList<>();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      ZipEntry descriptor = z.getEntry("plugin.properties");
      if (descriptor == null) {
        problems.add("no plugin.properties at the root of the archive");
      } else {
        Properties p = new Properties();
        try (InputStream in = z.getInputStream(descriptor)) {
          p.load(in);
        }
        for (String key : List.of("plugin.id", "plugin.class", "plugin.version")) {
          String v = p.getProperty(key);
          if (v == null || v.isBlank()) {
            problems.add("plugin.properties has no " + key);
          }
        }
        for (String key : p.stringPropertyNames()) {
          if (p.getProperty(key).contains("${")) {
            problems.add("plugin.properties " + key + " is '" + p.getProperty(key)
                + "': the assembly must filter the file (<filtered>true</filtered>)");
          }
        }
      }
      ZipEntry index = z.getEntry("classes/META-INF/extensions.idx");
      if (index == null || indexedExtensions(z, index).isEmpty()) {
        problems.add("classes/META-INF/extensions.idx is missing or empty: annotate extensions with @Extension and"
            + " compile with pf4j on the classpath (its annotation processor writes the index)");
      }
      for (ZipEntry e : z.stream().filter(PluginArchive::isLibJar).toList()) {
        Set<String> hits = packagesIn(z, e, PROVIDED);
        if (!hits.isEmpty()) {
          problems.add(e.getName() + " carries " + String.join(", ", hits)
              + ", which the hub provides; give that dependency provided scope or exclude it");
        }
      }
    } catch (IOException e) {
      problems.add("cannot read " + zip + " as a zip: " + e.getMessage());
    }
    return problems;
  }

  /**
   * Jars in {@code lib/} with classes in packages the hub shares (Jackson, Camel, Micrometer, javax,
   * jakarta): allowed, but for every class the hub has, the hub's copy wins; the plugin's is used
   * only for classes the hub lacks (a Jackson module the hub does not ship, say).
   */
  public static List<String> shared(Path zip) {
    List<String> out = new ArrayList<>();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      for (ZipEntry e : z.stream().filter(PluginArchive::isLibJar).toList()) {
        Set<String> hits = packagesIn(z, e, SHARED);
        if (!hits.isEmpty()) {
          out.add(e.getName() + " carries " + String.join(", ", hits)
              + ", which the hub shares: its own classes win over the plugin's copy");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + zip, e);
    }
    return out;
  }

  public Path zip() {
    return zip;
  }

  /** The archive's entry names, in archive order. */
  public List<String> entries() {
    return entries;
  }

  public PluginDescriptor descriptor() {
    return plugin.getDescriptor();
  }

  public String pluginId() {
    return plugin.getPluginId();
  }

  /** The plugin's own class loader ({@link #HOST_PREFIXES} from the host, the rest from the archive). */
  public ClassLoader classLoader() {
    return plugin.getPluginClassLoader();
  }

  /** The plugin's extensions of a type, instantiated by PF4J from the archive (not from the test classpath). */
  public <T> List<T> extensions(Class<T> type) {
    return manager.getExtensions(type, plugin.getPluginId());
  }

  public List<ChannelConnector> connectors() {
    return extensions(ChannelConnector.class);
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  public List<StepFactory<?>> stepFactories() {
    return (List) extensions(StepFactory.class);
  }

  /** The plugin's connector with this id; fails naming the connectors it has. */
  public ChannelConnector connector(String id) {
    List<ChannelConnector> all = connectors();
    return all.stream().filter(c -> id.equals(c.id())).findFirst().orElseThrow(() -> new ContractViolation(
        "plugin '" + pluginId() + "' has no connector '" + id + "'; it has " + all.stream().map(ChannelConnector::id).toList()));
  }

  /** The plugin's step factory with this name; fails naming the steps it has. */
  public StepFactory<?> stepFactory(String name) {
    List<StepFactory<?>> all = stepFactories();
    return all.stream().filter(f -> name.equals(f.name())).findFirst().orElseThrow(() -> new ContractViolation(
        "plugin '" + pluginId() + "' has no step '" + name + "'; it has " + all.stream().map(StepFactory::name).toList()));
  }

  /** Stops and unloads the plugin and deletes its unpacked copy. */
  @Override
  public void close() {
    manager.stopAndUnloadAll();
    delete(workDir);
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not delete the temporary plugins directory {}", dir, e);
    }
  }

  private static List<String> entries(Path zip) {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      return z.stream().map(ZipEntry::getName).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isLibJar(ZipEntry e) {
    return e.getName().startsWith("lib/") && e.getName().endsWith(".jar") && !e.isDirectory();
  }

  private static List<String> indexedExtensions(ZipFile z, ZipEntry index) throws IOException {
    try (InputStream in = z.getInputStream(index)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
          .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
  }

  /** Which of the given package prefixes the nested jar has class files in, as dotted package names. */
  private static Set<String> packagesIn(ZipFile z, ZipEntry jar, List<String> prefixes) throws IOException {
    Set<String> hits = new LinkedHashSet<>();
    try (ZipInputStream in = new ZipInputStream(z.getInputStream(jar))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        String name = e.getName();
        if (name.endsWith(".class")) {
          for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
              hits.add(prefix.substring(0, prefix.length() - 1).replace('/', '.'));
            }
          }
        }
      }
    }
    return hits;
  }
}
