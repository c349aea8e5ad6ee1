package io.switchboard.pluginloader;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * One plugin's class loader: applies {@link ClassLoadingPolicy} to every class and resource, so that
 * the hub's shared packages come from the hub and everything else only from the plugin's classes/
 * and lib/, its {@code plugin.dependencies} and the JDK. Host internals are refused with a message
 * that says so.
 *
 * <p>It replaces PF4J's own delegation entirely (PF4J's {@link ClassLoadingStrategy} falls back to
 * the hub's whole class path, which would let plugins reach host internals); it keeps PF4J's
 * lookup in dependency plugins and its {@code close()} bookkeeping.
 */
public class IsolatingPluginClassLoader extends PluginClassLoader {

  /**
   * PF4J's extension index. Always the plugin's own: PF4J reads it through this loader to learn
   * which extensions the plugin has, and the hub's or a dependency's index would attribute their
   * extensions to this plugin.
   */
  public static final String EXTENSIONS_INDEX = "META-INF/extensions.idx";

  private static final ClassLoader JDK = ClassLoader.getPlatformClassLoader();

  private final String pluginId;
  private final ClassLoader host;

  /**
   * @param host the hub's class loader, which supplies the shared packages
   */
  public IsolatingPluginClassLoader(PluginManager pluginManager, PluginDescriptor descriptor, ClassLoader host) {
    // The strategy argument is unused: loadClass and the resource lookups below do not consult it.
    super(pluginManager, descriptor, host, ClassLoadingStrategy.PDA);
    this.pluginId = descriptor.getPluginId();
    this.host = host;
  }

  /** The id of the plugin this loader serves. */
  public String pluginId() {
    return pluginId;
  }

  @Override
  public Class<?> loadClass(String className) throws ClassNotFoundException {
    return loadClass(className, false);
  }

  @Override
  protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(className)) {
      Class<?> c = findLoadedClass(className);
      if (c == null) {
        c = ClassLoadingPolicy.loadsFromHost(className) ? loadHostFirst(className) : loadPluginOnly(className);
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  private Class<?> loadHostFirst(String className) throws ClassNotFoundException {
    try {
      return host.loadClass(className);
    } catch (ClassNotFoundException notInHost) {
      // A shared package the hub has no class for (javax.inject, a Camel component): the plugin's.
      return findClass(className);
    }
  }

  private Class<?> loadPluginOnly(String className) throws ClassNotFoundException {
    try {
      return findClass(className);
    } catch (ClassNotFoundException notInPlugin) {
      // fall through: dependency plugins, then the JDK
    }
    Class<?> c = loadClassFromDependencies(className);
    if (c != null) {
      return c;
    }
    try {
      return JDK.loadClass(className);
    } catch (ClassNotFoundException notInJdk) {
      throw new ClassNotFoundException(notFound(className));
    }
  }

  /** Says where we looked, and whether the hub has the class but does not share it. */
  private String notFound(String className) {
    String where = className + " is not in plugin '" + pluginId + "' (its classes/ and lib/), its plugin "
        + "dependencies or the JDK";
    if (host.getResource(className.replace('.', '/') + ".class") == null) {
      return where;
    }
    if (className.startsWith("io.switchboard.")) {
      return where + "; it is internal to the hub, and plugins may use only io.switchboard.api";
    }
    return where + "; the hub has it but does not share it with plugins: bundle it in the plugin's lib/ "
        + "(the hub shares only " + String.join("*, ", ClassLoadingPolicy.HOST_PREFIXES) + "*)";
  }

  @Override
  public URL getResource(String name) {
    if (EXTENSIONS_INDEX.equals(name)) {
      return findResource(name);
    }
    if (ClassLoadingPolicy.loadsResourceFromHost(name)) {
      URL url = host.getResource(name);
      return url != null ? url : findResource(name);
    }
    URL url = findResource(name);
    if (url == null) {
      url = findResourceFromDependencies(name);
    }
    return url != null ? url : JDK.getResource(name);
  }

  @Override
  public Enumeration<URL> getResources(String name) throws IOException {
    if (EXTENSIONS_INDEX.equals(name)) {
      return findResources(name);
    }
    List<URL> urls = new ArrayList<>();
    if (ClassLoadingPolicy.loadsResourceFromHost(name)) {
      urls.addAll(Collections.list(host.getResources(name)));
      urls.addAll(Collections.list(findResources(name)));
    } else {
      urls.addAll(Collections.list(findResources(name)));
      urls.addAll(findResourcesFromDependencies(name));
      urls.addAll(Collections.list(JDK.getResources(name)));
    }
    return Collections.enumeration(urls);
  }

  @Override
  public String toString() {
    return "IsolatingPluginClassLoader[" + pluginId + "]";
  }
}
