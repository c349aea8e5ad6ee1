package io.switchboard.pluginloader;

import io.switchboard.api.PluginContext;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.pf4j.ExtensionFactory;
import org.pf4j.PluginManager;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;

/**
 * Creates each extension class once (like PF4J's {@code SingletonExtensionFactory}), through its
 * public constructor taking the plugin's {@link PluginContext} when it has one, else its public
 * no-argument constructor, with the plugin's loader as the context class loader.
 *
 * <p>Every failure, including a {@link LinkageError} from a badly packaged plugin, comes out as a
 * {@link PluginRuntimeException}: PF4J logs that one and leaves the extension out, where any other
 * exception would escape {@code getExtensions} and take the hub down with one bad plugin.
 */
final class SwitchboardExtensionFactory implements ExtensionFactory {

  private final PluginManager manager;
  private final Function<String, PluginContext> contexts;

  /** Extension class loader, then extension class name, to its one instance. Guarded by this. */
  private final Map<ClassLoader, Map<String, Object>> singletons = new HashMap<>();

  SwitchboardExtensionFactory(PluginManager manager, Function<String, PluginContext> contexts) {
    this.manager = manager;
    this.contexts = contexts;
    // Forget a plugin's instances as soon as it stops: they would pin its class loader after unloading.
    manager.addPluginStateListener(event -> {
      if (!event.getPluginState().isStarted()) {
        forget(event.getPlugin().getPluginClassLoader());
      }
    });
  }

  @Override
  public synchronized <T> T create(Class<T> extensionClass) {
    Map<String, Object> bucket = singletons.computeIfAbsent(extensionClass.getClassLoader(), l -> new HashMap<>());
    Object existing = bucket.get(extensionClass.getName());
    if (existing != null) {
      return extensionClass.cast(existing);
    }
    T extension = instantiate(extensionClass);
    bucket.put(extensionClass.getName(), extension);
    return extension;
  }

  private synchronized void forget(ClassLoader loader) {
    singletons.remove(loader);
  }

  private <T> T instantiate(Class<T> type) {
    PluginWrapper plugin = manager.whichPlugin(type);
    String owner = plugin == null ? "the hub's class path" : "plugin '" + plugin.getPluginId() + "'";
    if (Modifier.isAbstract(type.getModifiers())) {
      throw new PluginRuntimeException("Extension {} of {} is abstract", type.getName(), owner);
    }
    try (LoaderSwap swap = LoaderSwap.to(type.getClassLoader())) {
      Constructor<T> withContext = publicConstructor(type, PluginContext.class);
      if (withContext != null) {
        if (plugin == null) {
          throw new PluginRuntimeException("Extension {} takes a PluginContext but is not part of a plugin",
              type.getName());
        }
        return withContext.newInstance(contexts.apply(plugin.getPluginId()));
      }
      Constructor<T> noArgs = publicConstructor(type);
      if (noArgs == null) {
        throw new PluginRuntimeException("Extension {} of {} has neither a public constructor taking "
            + "io.switchboard.api.PluginContext nor a public no-argument constructor", type.getName(), owner);
      }
      return noArgs.newInstance();
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new PluginRuntimeException(cause, "Extension {} of {} failed in its constructor: {}", type.getName(),
          owner, cause);
    } catch (PluginRuntimeException e) {
      throw e;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new PluginRuntimeException(e, "Cannot create extension {} of {}: {}", type.getName(), owner, e);
    }
  }

  private static <T> Constructor<T> publicConstructor(Class<T> type, Class<?>... parameterTypes) {
    try {
      return type.getConstructor(parameterTypes);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
