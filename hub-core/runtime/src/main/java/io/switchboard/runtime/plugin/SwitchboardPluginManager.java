package io.switchboard.runtime.plugin;

import io.switchboard.api.PluginContext;
import io.switchboard.runtime.Version;
import java.nio.file.Path;
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

/**
 * The hub's PF4J plugin manager: every plugin in its own {@link IsolatingPluginClassLoader}, plugins
 * and extensions built with the hub's {@link PluginContext}, plugin requirements checked against
 * {@link Version#HUB}. Customised only through PF4J's {@code create*()} factory methods (as PF4J's
 * demo {@code DemoPluginManager} does), so PF4J's lifecycle stays PF4J's.
 *
 * <p>Plugins whose {@code Plugin.start()} throws are left {@link PluginState#FAILED} by PF4J with the
 * exception in {@code PluginWrapper#getFailedException()}; the other plugins still start.
 */
public class SwitchboardPluginManager extends DefaultPluginManager {

  private final Function<String, PluginContext> contexts;
  private final Map<String, PluginContext> contextByPlugin = new ConcurrentHashMap<>();

  /**
   * @param contexts makes the context of a plugin from its id; called at most once per plugin load,
   *     and the plugin and all its extensions share the result
   * @param pluginsRoots where plugins (zips, jars, directories) are
   */
  public SwitchboardPluginManager(Function<String, PluginContext> contexts, Path... pluginsRoots) {
    super(pluginsRoots);
    this.contexts = Objects.requireNonNull(contexts, "contexts");
    setSystemVersion(Version.HUB);
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

  /** Drops a removed plugin's 'disabled' mark, so that a later install of the same id starts enabled. */
  void forgetStatus(String pluginId) {
    pluginStatusProvider.enablePlugin(pluginId);
  }
}
