package io.switchboard.pluginloader;

import io.switchboard.api.PluginContext;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.function.Function;
import org.pf4j.Plugin;
import org.pf4j.PluginFactory;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;

/**
 * Creates a plugin's main class through its public constructor taking its {@link PluginContext}
 * when it has one (the hub's context, never PF4J's deprecated {@code PluginWrapper}), else its public
 * no-argument constructor, with the plugin's loader as the context class loader.
 *
 * <p>Unlike PF4J's {@code DefaultPluginFactory}, which logs and returns null (PF4J then fails the
 * start with a bare NullPointerException), a plugin that cannot be created throws a
 * {@link PluginRuntimeException} saying why; PF4J catches it when starting the plugin and keeps it
 * as the plugin's {@link PluginWrapper#getFailedException() failure}.
 */
final class SwitchboardPluginFactory implements PluginFactory {

  private final Function<String, PluginContext> contexts;

  SwitchboardPluginFactory(Function<String, PluginContext> contexts) {
    this.contexts = contexts;
  }

  @Override
  public Plugin create(PluginWrapper wrapper) {
    String id = wrapper.getPluginId();
    String className = wrapper.getDescriptor().getPluginClass();
    ClassLoader loader = wrapper.getPluginClassLoader();
    try (LoaderSwap swap = LoaderSwap.to(loader)) {
      Class<?> type = loader.loadClass(className);
      int modifiers = type.getModifiers();
      if (!Plugin.class.isAssignableFrom(type) || Modifier.isAbstract(modifiers) || Modifier.isInterface(modifiers)) {
        throw new PluginRuntimeException("Plugin '{}': class {} is not a concrete subclass of org.pf4j.Plugin",
            id, className);
      }
      Constructor<?> withContext = publicConstructor(type, PluginContext.class);
      if (withContext != null) {
        return (Plugin) withContext.newInstance(contexts.apply(id));
      }
      Constructor<?> noArgs = publicConstructor(type);
      if (noArgs == null) {
        throw new PluginRuntimeException("Plugin '{}': class {} has neither a public constructor taking "
            + "io.switchboard.api.PluginContext nor a public no-argument constructor", id, className);
      }
      return (Plugin) noArgs.newInstance();
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      throw new PluginRuntimeException(cause, "Plugin '{}': constructor of {} failed: {}", id, className, cause);
    } catch (PluginRuntimeException e) {
      throw e;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      throw new PluginRuntimeException(e, "Plugin '{}': cannot create {}: {}", id, className, e);
    }
  }

  private static Constructor<?> publicConstructor(Class<?> type, Class<?>... parameterTypes) {
    try {
      return type.getConstructor(parameterTypes);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
