package io.switchboard.runtime.plugin;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.PluginContext;
import io.switchboard.api.StepFactory;
import io.switchboard.pluginloader.DefaultPluginContext;
import io.switchboard.pluginloader.PluginCalls;
import io.switchboard.pluginloader.SwitchboardPluginManager;
import io.switchboard.runtime.Version;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the PF4J plugins found in the plugins directory, each in its own isolating class loader
 * ({@link SwitchboardPluginManager}), and serves their extensions. Connectors come only from
 * plugins, never from the hub's own classpath. A plugin that fails to start is left out and
 * reported; the hub and the other plugins keep running.
 *
 * <p>Calls into a connector's code must go through {@link PluginCalls#call}, so that the plugin's
 * class loader is the context class loader while its code runs.
 */
public final class PluginHost implements AutoCloseable, PluginCatalog, PluginAdmin {

  private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);
  private static final Pattern PLUGIN_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  /**
   * What the admin API accepts.
   *
   * @param maxArchiveBytes largest archive
   * @param allowedSha256 hex SHA-256 digests of the archives that may be installed; empty: any
   */
  public record InstallPolicy(int maxArchiveBytes, Set<String> allowedSha256) {
    public static final InstallPolicy DEFAULT = new InstallPolicy(50 << 20, Set.of());

    public InstallPolicy {
      allowedSha256 = allowedSha256.stream().map(d -> d.trim().toLowerCase(java.util.Locale.ROOT))
          .filter(d -> !d.isEmpty()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }
  }

  private final Path pluginsDir;
  private final Function<String, PluginContext> contexts;
  private final InstallPolicy policy;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private SwitchboardPluginManager manager; // guarded by this
  private volatile Map<String, ChannelConnector> connectors = Map.of();
  private volatile Map<String, ProvidedStep> steps = Map.of();

  /** Plugins get a {@link DefaultPluginContext}: no configuration, no secrets. */
  public PluginHost(Path pluginsDir) {
    this(pluginsDir, DefaultPluginContext::new);
  }

  /**
   * @param contexts makes a plugin's context from its id, once per plugin load
   */
  public PluginHost(Path pluginsDir, Function<String, PluginContext> contexts) {
    this(pluginsDir, contexts, InstallPolicy.DEFAULT);
  }

  public PluginHost(Path pluginsDir, Function<String, PluginContext> contexts, InstallPolicy policy) {
    this.pluginsDir = pluginsDir;
    this.contexts = Objects.requireNonNull(contexts, "contexts");
    this.policy = policy;
  }

  /** Runs after every change of the set of started plugins (install, enable, disable, remove). */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** Loads and starts every plugin; a plugin that fails is logged and left out, the rest run. */
  public synchronized void start() throws IOException {
    Files.createDirectories(pluginsDir);
    manager = new SwitchboardPluginManager(Version.HUB, contexts, pluginsDir);
    manager.loadPlugins();
    // Not manager.startPlugins(): each plugin's start() runs with its own context class loader.
    for (PluginWrapper p : List.copyOf(manager.getResolvedPlugins())) {
      PluginState state = p.getPluginState();
      // startPlugin(id) would enable a disabled plugin; startPlugins() skips them, and so do we.
      if (!state.isDisabled() && !state.isStarted()) {
        manager.startInItsLoader(p.getPluginId());
      }
    }
    for (PluginWrapper p : manager.getPlugins()) {
      if (p.getPluginState() == PluginState.STARTED) {
        LOG.info("Plugin {} {} started", p.getPluginId(), p.getDescriptor().getVersion());
      } else if (p.getPluginState() == PluginState.DISABLED) {
        LOG.info("Plugin {} {} is disabled", p.getPluginId(), p.getDescriptor().getVersion());
      } else {
        LOG.error("Plugin {} is {}", p.getPluginId(), describe(p));
      }
    }
    refresh();
    LOG.info("{} plugin(s) from {}; connectors: {}", manager.getPlugins().size(), pluginsDir, connectors.keySet());
  }

  /** Recomputes what the started plugins provide and tells the listeners. */
  private void refresh() {
    connectors = collectConnectors(null);
    steps = collectSteps();
    for (Runnable l : listeners) {
      try {
        l.run();
      } catch (RuntimeException e) {
        LOG.error("Plugin change listener failed", e);
      }
    }
  }

  private Map<String, ProvidedStep> collectSteps() {
    Map<String, ProvidedStep> byName = new TreeMap<>();
    for (PluginWrapper p : manager.getStartedPlugins()) {
      for (StepFactory<?> f : manager.getExtensions(StepFactory.class, p.getPluginId())) {
        String name = PluginCalls.call(f, f::name);
        ProvidedStep previous = byName.putIfAbsent(name, new ProvidedStep(p.getPluginId(), f, p.getPluginClassLoader()));
        if (previous != null) {
          LOG.error("Plugins {} and {} both provide step '{}'; keeping {}'s", previous.pluginId(), p.getPluginId(),
              name, previous.pluginId());
        }
      }
    }
    return Collections.unmodifiableMap(byName);
  }

  @Override
  public synchronized Optional<PluginStatus> plugin(String id) {
    PluginWrapper p = manager == null ? null : manager.getPlugin(id);
    if (p == null) {
      return Optional.empty();
    }
    Throwable failure = p.getFailedException();
    return Optional.of(new PluginStatus(id, p.getDescriptor().getVersion(), p.getPluginState().toString(),
        failure == null ? null : failure.getMessage() == null ? failure.toString() : failure.getMessage()));
  }

  @Override
  public Optional<ProvidedStep> step(String name) {
    return Optional.ofNullable(steps.get(name));
  }

  @Override
  public List<ProvidedStep> steps() {
    return List.copyOf(steps.values());
  }

  @Override
  public synchronized List<PluginView> list() {
    List<PluginView> out = new ArrayList<>();
    if (manager != null) {
      for (PluginWrapper p : manager.getPlugins()) {
        out.add(view(p));
      }
    }
    out.sort(java.util.Comparator.comparing(PluginView::id));
    return out;
  }

  private PluginView view(PluginWrapper p) {
    var d = p.getDescriptor();
    PluginStatus status = plugin(p.getPluginId()).orElseThrow();
    List<String> cs = new ArrayList<>();
    connectors.forEach((id, c) -> {
      if (PluginCalls.loaderOf(c) == p.getPluginClassLoader()) {
        cs.add(id);
      }
    });
    Map<String, com.fasterxml.jackson.databind.JsonNode> schemas = new TreeMap<>();
    steps.forEach((name, s) -> {
      if (s.pluginId().equals(p.getPluginId())) {
        schemas.put(name, PluginCalls.call(s.factory(), () -> io.switchboard.pluginloader.StepSchemas.of(s.factory())));
      }
    });
    return new PluginView(p.getPluginId(), d.getVersion(), d.getProvider(), d.getRequires(), d.getPluginDescription(),
        status.state(), status.failure(), cs, List.copyOf(schemas.keySet()), schemas);
  }

  @Override
  public synchronized PluginView install(byte[] archive) throws PluginRejectedException {
    if (archive.length > policy.maxArchiveBytes()) {
      throw new PluginRejectedException(413, "archive_too_large",
          "the archive is " + archive.length + " bytes; plugins may be at most " + policy.maxArchiveBytes());
    }
    String digest = sha256(archive);
    if (!policy.allowedSha256().isEmpty() && !policy.allowedSha256().contains(digest)) {
      throw new PluginRejectedException(403, "archive_not_allowed", "archive sha256 " + digest
          + " is not in switchboard.plugins.allowed-sha256; add it there to allow this plugin");
    }
    Properties d = descriptor(archive);
    String id = d.getProperty("plugin.id", "").trim();
    String version = d.getProperty("plugin.version", "").trim();
    String provider = d.getProperty("plugin.provider", "").trim();
    String requires = d.getProperty("plugin.requires", "*").trim();
    if (!PLUGIN_ID.matcher(id).matches()) {
      throw new PluginRejectedException(400, "invalid_descriptor",
          "plugin.id '" + id + "' must be lower-case letters, digits and dashes (1-63 characters)");
    }
    try {
      com.github.zafarkhaja.semver.Version.parse(version);
    } catch (RuntimeException e) {
      throw new PluginRejectedException(400, "invalid_descriptor",
          "plugin.version '" + version + "' of plugin '" + id + "' is not a semantic version such as 1.2.0");
    }
    if (provider.isEmpty()) {
      throw new PluginRejectedException(400, "invalid_descriptor", "plugin '" + id + "' has no plugin.provider");
    }
    if (!requires.isEmpty() && !"*".equals(requires)
        && !manager.getVersionManager().checkVersionConstraint(Version.HUB, requires)) {
      throw new PluginRejectedException(400, "incompatible_hub_version",
          "plugin '" + id + "' " + version + " requires hub " + requires + "; this hub is " + Version.HUB);
    }
    if (manager.getPlugin(id) != null) {
      throw new PluginRejectedException(409, "plugin_exists",
          "plugin '" + id + "' is already installed (" + manager.getPlugin(id).getDescriptor().getVersion()
              + "); remove it first to install another version");
    }
    Path target = pluginsDir.resolve(id + "-" + version + ".zip");
    try {
      Path tmp = Files.createTempFile(pluginsDir, ".upload-", ".tmp");
      Files.write(tmp, archive);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      String loaded = manager.loadPlugin(target);
      PluginWrapper p = manager.getPlugin(loaded);
      manager.startInItsLoader(loaded);
      LOG.info("Installed plugin {} {} (sha256 {}): {}", id, version, digest, describe(p));
      refresh();
      return view(p);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Plugin archive {} could not be installed", target.getFileName(), e);
      if (manager.getPlugin(id) != null) {
        manager.unloadPlugin(id);
      }
      deleteQuietly(target);
      deleteQuietly(pluginsDir.resolve(id + "-" + version));
      throw new PluginRejectedException(400, "invalid_archive",
          "plugin '" + id + "' could not be loaded: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    }
  }

  @Override
  public synchronized PluginView enable(String id) throws PluginRejectedException {
    PluginWrapper p = require(id);
    manager.enablePlugin(id);
    if (p.getPluginState() != PluginState.STARTED) {
      manager.startInItsLoader(id);
    }
    LOG.info("Plugin {} enabled: {}", id, describe(p));
    refresh();
    return view(p);
  }

  @Override
  public synchronized PluginView disable(String id) throws PluginRejectedException {
    PluginWrapper p = require(id);
    // Stop routing to its connectors and steps before its code stops.
    connectors = collectConnectors(id);
    manager.stopInItsLoader(id);
    manager.disablePlugin(id);
    LOG.info("Plugin {} disabled", id);
    refresh();
    return view(p);
  }

  @Override
  public synchronized void remove(String id) throws PluginRejectedException {
    PluginWrapper p = require(id);
    connectors = collectConnectors(id);
    manager.stopInItsLoader(id);
    // Stops, unloads and deletes the plugin's directory and the archive it was unpacked from.
    boolean deleted = manager.deletePlugin(id);
    manager.forgetStatus(id);
    LOG.info("Plugin {} removed{}", id, deleted ? "" : " (its files could not all be deleted)");
    refresh();
  }

  private PluginWrapper require(String id) throws PluginRejectedException {
    PluginWrapper p = manager == null ? null : manager.getPlugin(id);
    if (p == null) {
      throw new PluginRejectedException(404, "plugin_not_found", "no plugin '" + id + "' is installed");
    }
    return p;
  }

  /** plugin.properties at the archive's root; the archive must not escape its directory. */
  private static Properties descriptor(byte[] archive) throws PluginRejectedException {
    Properties props = null;
    int entries = 0;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        entries++;
        String name = e.getName().replace('\\', '/');
        if (name.startsWith("/") || name.contains("../") || name.equals("..")) {
          throw new PluginRejectedException(400, "invalid_archive", "archive entry '" + name + "' escapes the plugin directory");
        }
        if (name.equals("plugin.properties")) {
          props = new Properties();
          props.load(zip);
        }
      }
    } catch (IOException e) {
      throw new PluginRejectedException(400, "invalid_archive", "not a zip archive: " + e.getMessage());
    }
    if (entries == 0) {
      throw new PluginRejectedException(400, "invalid_archive", "not a zip archive, or an empty one");
    }
    if (props == null) {
      throw new PluginRejectedException(400, "invalid_descriptor",
          "the archive has no plugin.properties at its root (plugin.id, plugin.version, plugin.provider, plugin.requires)");
    }
    return props;
  }

  private static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      if (Files.isDirectory(path)) {
        try (var walk = Files.walk(path)) {
          for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
            Files.deleteIfExists(p);
          }
        }
      } else {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      LOG.warn("Could not delete {}", path, e);
    }
  }

  /**
   * The extensions of {@code type} the started plugins provide (such as the knowledge indexes), in
   * plugin order. A plugin's extensions are new instances after it restarts. Call into them through
   * {@link PluginCalls#call}.
   */
  public synchronized <T> List<T> extensions(Class<T> type) {
    List<T> out = new ArrayList<>();
    if (manager != null) {
      for (PluginWrapper p : manager.getStartedPlugins()) {
        out.addAll(manager.getExtensions(type, p.getPluginId()));
      }
    }
    return out;
  }

  /** The started plugin's performer of a workflow action type ({@code crm.hubspot.task}), if any. */
  public Optional<io.switchboard.api.ActionPerformer> actionPerformer(String type) {
    return extensions(io.switchboard.api.ActionPerformer.class).stream()
        .filter(a -> PluginCalls.call(a, () -> a.types()).contains(type)).findFirst();
  }

  public Optional<ChannelConnector> connector(String id) {
    return Optional.ofNullable(connectors.get(id));
  }

  public List<String> connectorIds() {
    return List.copyOf(connectors.keySet());
  }

  /** True once the plugins directory has been loaded; a failed plugin does not make the hub unready. */
  public synchronized boolean isLoaded() {
    return manager != null;
  }

  /** True when every loaded plugin started. */
  public synchronized boolean isHealthy() {
    return manager != null && manager.getPlugins().stream().allMatch(p -> p.getPluginState() == PluginState.STARTED);
  }

  /**
   * The loaded plugins that are not running, by id, with why: their state and, for a plugin whose
   * start threw, the exception's message, e.g. {@code FAILED: no licence key}.
   */
  public synchronized Map<String, String> failures() {
    Map<String, String> out = new TreeMap<>();
    if (manager != null) {
      for (PluginWrapper p : manager.getPlugins()) {
        if (p.getPluginState() != PluginState.STARTED) {
          out.put(p.getPluginId(), describe(p));
        }
      }
    }
    return out;
  }

  /**
   * Stops and unloads a plugin (and the plugins that depend on it) and stops serving its
   * connectors; once callers drop the connectors they hold, its class loader can be collected.
   *
   * @return false when no such plugin is loaded
   */
  public synchronized boolean unload(String pluginId) {
    if (manager == null || manager.getPlugin(pluginId) == null) {
      return false;
    }
    // Stop routing to its connectors first, then stop and unload it.
    connectors = collectConnectors(pluginId);
    manager.stopInItsLoader(pluginId);
    boolean unloaded = manager.unloadPlugin(pluginId);
    refresh();
    LOG.info("Plugin {} {}", pluginId, unloaded ? "unloaded" : "could not be unloaded");
    return unloaded;
  }

  /** The plugin manager, for tests in this package. */
  synchronized PluginManager manager() {
    return manager;
  }

  @Override
  public synchronized void close() {
    connectors = Map.of();
    steps = Map.of();
    if (manager != null) {
      manager.stopAndUnloadAll();
    }
  }

  /** Connectors of the started plugins, by connector id; {@code excludedPluginId} may be null. */
  private Map<String, ChannelConnector> collectConnectors(String excludedPluginId) {
    Map<String, ChannelConnector> byId = new TreeMap<>();
    Map<String, String> pluginOf = new LinkedHashMap<>();
    for (PluginWrapper p : manager.getStartedPlugins()) {
      if (p.getPluginId().equals(excludedPluginId)) {
        continue;
      }
      for (ChannelConnector c : manager.getExtensions(ChannelConnector.class, p.getPluginId())) {
        String id = PluginCalls.call(c, c::id);
        ChannelConnector previous = byId.putIfAbsent(id, c);
        if (previous == null) {
          pluginOf.put(id, p.getPluginId());
        } else {
          LOG.error("Plugins {} and {} both provide connector '{}'; keeping {}'s", pluginOf.get(id),
              p.getPluginId(), id, pluginOf.get(id));
        }
      }
    }
    return Collections.unmodifiableMap(byId);
  }

  private static String describe(PluginWrapper p) {
    Throwable failure = p.getFailedException();
    if (failure == null) {
      return p.getPluginState().toString();
    }
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    return p.getPluginState() + ": " + message;
  }
}
