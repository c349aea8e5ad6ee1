package io.switchboard.runtime.plugin;

import io.switchboard.api.ChannelConnector;
import io.switchboard.runtime.Version;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the PF4J plugins found in the plugins directory (each in its own class loader) and serves
 * their extensions. Connectors come only from plugins, never from the hub's own classpath.
 */
public final class PluginHost implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

  private final Path pluginsDir;
  private PluginManager manager;
  private volatile Map<String, ChannelConnector> connectors = Map.of();

  public PluginHost(Path pluginsDir) {
    this.pluginsDir = pluginsDir;
  }

  /** Loads and starts every plugin; a plugin that fails is logged and left out, the rest run. */
  public void start() throws java.io.IOException {
    Files.createDirectories(pluginsDir);
    manager = new DefaultPluginManager(pluginsDir);
    manager.setSystemVersion(Version.HUB);
    manager.loadPlugins();
    manager.startPlugins();
    for (PluginWrapper p : manager.getPlugins()) {
      if (p.getPluginState() == PluginState.STARTED) {
        LOG.info("Plugin {} {} started", p.getPluginId(), p.getDescriptor().getVersion());
      } else {
        LOG.error("Plugin {} is {}{}", p.getPluginId(), p.getPluginState(),
            p.getFailedException() == null ? "" : ": " + p.getFailedException().getMessage());
      }
    }
    Map<String, ChannelConnector> byId = new TreeMap<>();
    for (ChannelConnector c : manager.getExtensions(ChannelConnector.class)) {
      ChannelConnector previous = byId.putIfAbsent(c.id(), c);
      if (previous != null) {
        LOG.error("Two plugins provide connector '{}': {} and {}; keeping the first", c.id(),
            previous.getClass().getName(), c.getClass().getName());
      }
    }
    connectors = Map.copyOf(byId);
    LOG.info("{} plugin(s) from {}; connectors: {}", manager.getPlugins().size(), pluginsDir, connectors.keySet());
  }

  public Optional<ChannelConnector> connector(String id) {
    return Optional.ofNullable(connectors.get(id));
  }

  public List<String> connectorIds() {
    return List.copyOf(connectors.keySet());
  }

  /** True when every loaded plugin started. */
  public boolean isHealthy() {
    return manager != null && manager.getPlugins().stream().allMatch(p -> p.getPluginState() == PluginState.STARTED);
  }

  @Override
  public void close() {
    if (manager != null) {
      // PF4J 3.15.0's stopPlugins() fails with ConcurrentModificationException (pf4j#656):
      // stop each started plugin from a copy of the list instead.
      for (PluginWrapper p : List.copyOf(manager.getStartedPlugins())) {
        try {
          manager.stopPlugin(p.getPluginId());
        } catch (RuntimeException e) {
          LOG.warn("Plugin {} did not stop cleanly", p.getPluginId(), e);
        }
      }
      manager.unloadPlugins();
    }
  }
}
