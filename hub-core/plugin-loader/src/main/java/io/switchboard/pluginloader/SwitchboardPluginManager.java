package io.switchboard.pluginloader;

import io.switchboard.api.PluginContext;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.DefaultPluginManager;
import org.pf4j.DevelopmentPluginLoader;
import org.pf4j.ExtensionFactory;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginFactory;
import org.pf4j.PluginLoader;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's PF4J plugin manager: every plugin in its own {@link IsolatingPluginClassLoader}, plugins
 * and extensions built with the hub's {@link PluginContext}, plugin requirements checked against the
 * hub's version. Customised only through PF4J's {@code create*()} factory methods (as PF4J's demo
 * {@code DemoPluginManager} does), so PF4J's lifecycle stays PF4J's; the few methods it adds only
 * wrap PF4J's start and stop in the plugin's context class loader.
 *
 * <p>The hub's plugin host and the test kit's {@code PluginArchive} both use it, so a plugin's tests
 * load the plugin exactly as the hub does.
 *
 * <p>Plugins whose {@code Plugin.start()} throws are left {@link PluginState#FAILED} by PF4J with the
 * exception in {@code PluginWrapper#getFailedException()}; the other plugins still start.
 */
public class SwitchboardPluginManager extends DefaultPluginManager {

  private static final Logger LOG = LoggerFactory.getLogger(SwitchboardPluginManager.class);

  private final Function<String, PluginContext> contexts;
  private final Map<String, PluginContext> contextByPlugin = new ConcurrentHashMap<>();

  /**
   * @param hubVersion the hub's version without qualifier (e.g. {@code 0.1.0}), which each plugin's
   *     {@code plugin.requires} is checked against; a plugin that requires another is left disabled
   * @param contexts makes the context of a plugin from its id; called at most once per plugin load,
   *     and the plugin and all its extensions share the result
   * @param pluginsRoots where plugins (zips, jars, directories) are
   */
  public SwitchboardPluginManager(String hubVersion, Function<String, PluginContext> contexts,
      Path... pluginsRoots) {
    super(pluginsRoots);
    this.contexts = Objects.requireNonNull(contexts, "contexts");
    setSystemVersion(Objects.requireNonNull(hubVersion, "hubVersion"));
    addPluginStateListener(event -> {
      if (event.getPluginState() == PluginState.UNLOADED) {
        contextByPlugin.remove(event.getPlugin().getPluginId());
      }
    });
  }

  /**
   * All three PF4J loaders (jar files, directories and unpacked zips, development class folders)
   * with an {@link IsolatingPluginClassLoader} instead of PF4J's {@code PluginClassLoader}.
   */
  @Override
  protected PluginLoader createPluginLoader() {
    return new CompoundPluginLoader()
        .add(new DevelopmentPluginLoader(this) {
          @Override
          protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
            return newPluginClassLoader(descriptor);
          }
        }, this::isDevelopment)
        .add(new JarPluginLoader(this) {
          @Override
          protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
            return newPluginClassLoader(descriptor);
          }
        }, this::isNotDevelopment)
        .add(new DefaultPluginLoader(this) {
          @Override
          protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
            return newPluginClassLoader(descriptor);
          }
        }, this::isNotDevelopment);
  }

  // PF4J calls the create*() methods from its constructor, before this class's fields are set: the
  // factories get this::contextFor, which reads the fields only when a plugin is created.

  @Override
  protected PluginFactory createPluginFactory() {
    return new SwitchboardPluginFactory(this::contextFor);
  }

  @Override
  protected ExtensionFactory createExtensionFactory() {
    return new SwitchboardExtensionFactory(this, this::contextFor);
  }

  private PluginClassLoader newPluginClassLoader(PluginDescriptor descriptor) {
    // The hub's loader: the one that has io.switchboard.api, PF4J and SLF4J.
    return new IsolatingPluginClassLoader(this, descriptor, SwitchboardPluginManager.class.getClassLoader());
  }

  private PluginContext contextFor(String pluginId) {
    return contextByPlugin.computeIfAbsent(pluginId, id -> Objects.requireNonNull(contexts.apply(id),
        () -> "the plugin context function returned null for plugin '" + id + "'"));
  }

  /**
   * Starts a loaded plugin with its own class loader as the context class loader, so that its
   * {@code Plugin.start()} finds its own libraries' services and resources.
   *
   * @return the plugin's state afterwards; {@link PluginState#FAILED} when its start threw
   */
  public PluginState startInItsLoader(String pluginId) {
    PluginWrapper plugin = getPlugin(pluginId);
    if (plugin == null) {
      throw new IllegalArgumentException("no plugin '" + pluginId + "' is loaded");
    }
    try (LoaderSwap swap = LoaderSwap.to(plugin.getPluginClassLoader())) {
      return startPlugin(pluginId);
    }
  }

  /**
   * Stops a started plugin with its own class loader as the context class loader; does nothing for a
   * plugin that is not loaded or not started. A plugin whose {@code stop()} throws is logged and
   * counts as stopped: one plugin must not keep the others, or the hub, from shutting down.
   */
  public void stopInItsLoader(String pluginId) {
    PluginWrapper plugin = getPlugin(pluginId);
    if (plugin == null || plugin.getPluginState() != PluginState.STARTED) {
      return;
    }
    try (LoaderSwap swap = LoaderSwap.to(plugin.getPluginClassLoader())) {
      stopPlugin(pluginId);
    } catch (RuntimeException e) {
      LOG.warn("Plugin {} did not stop cleanly", pluginId, e);
    }
  }

  /** Stops every started plugin ({@link #stopInItsLoader}), then unloads them all. */
  public void stopAndUnloadAll() {
    // Not stopPlugins(): PF4J 3.15.0 throws ConcurrentModificationException there (pf4j#656);
    // stop each started plugin from a copy of the list instead.
    for (PluginWrapper plugin : List.copyOf(getStartedPlugins())) {
      stopInItsLoader(plugin.getPluginId());
    }
    unloadPlugins();
  }

  /** Drops a removed plugin's 'disabled' mark, so that a later install of the same id starts enabled. */
  public void forgetStatus(String pluginId) {
    pluginStatusProvider.enablePlugin(pluginId);
  }
}
