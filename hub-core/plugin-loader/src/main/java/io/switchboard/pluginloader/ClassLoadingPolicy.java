package io.switchboard.pluginloader;

import java.util.List;

/**
 * The one rule that decides, for every class and resource a plugin asks for, whether the hub (the
 * host class loader) or the plugin itself supplies it. {@link IsolatingPluginClassLoader} applies it;
 * {@code ClassLoadingPolicyTest} pins it down row by row.
 *
 * <p><b>Shared with the host, host first</b> ({@link #loadsFromHost} is true): names under one of
 * {@link #HOST_PREFIXES}. Two reasons put a package on this list:
 * <ul>
 *   <li><i>Types that cross the API boundary must be the same {@code Class} objects on both sides.</i>
 *       The hub casts every extension to {@code io.switchboard.api.ChannelConnector} and passes it
 *       {@code WebhookRequest}s it created; if a plugin loaded its own copy of either, the cast fails
 *       with a {@code ClassCastException} ("ChannelConnector cannot be cast to ChannelConnector") or
 *       the JVM refuses to link the call with a {@code LinkageError} (loader constraint violation).
 *       The same holds for what the API's signatures mention (SLF4J's {@code Logger} in
 *       {@code PluginContext}, PF4J's {@code ExtensionPoint} and {@code Plugin}) and for the libraries
 *       the hub hands objects of, or will (Camel, Jackson, Micrometer).</li>
 *   <li><i>Impersonation.</i> Host first means a plugin that bundles its own {@code io.switchboard.api},
 *       SLF4J or PF4J jar (a packaging mistake) cannot override the hub's classes: the hub's always
 *       win. A plugin's copy is used only for a class the hub does not have at all, e.g.
 *       {@code javax.inject} or a Camel component the hub does not ship; such a class lives in the
 *       plugin's own runtime package and cannot reach package-private members of the hub's.</li>
 * </ul>
 * The entries, and why each is there:
 * <ul>
 *   <li>{@code java.}: the JDK; the JVM refuses to define these anywhere but the boot loader anyway.</li>
 *   <li>{@code javax.}, {@code jakarta.}: JDK (javax.crypto, javax.net.ssl, javax.xml) and standard
 *       APIs whose types libraries exchange; one definition per hub, like Kafka Connect and Kestra.</li>
 *   <li>{@code jdk.}, {@code sun.}, {@code com.sun.}: JDK internals and JDK-specific APIs
 *       (com.sun.net.httpserver, sun.misc.Unsafe); a plugin must never shadow them. Non-JDK
 *       {@code com.sun.} libraries (JNA, the JavaMail implementation) still work from a plugin's
 *       lib/ as long as the hub does not ship its own copy.</li>
 *   <li>{@code org.w3c.dom.}, {@code org.xml.sax.}, {@code org.ietf.jgss.}: JDK packages outside
 *       java/javax. An old {@code xml-apis} jar in a plugin would otherwise shadow the DOM interfaces
 *       that the JDK's javax.xml parsers return: a loader constraint violation.</li>
 *   <li>{@code io.switchboard.api.}: the plugin API itself, the boundary.</li>
 *   <li>{@code org.pf4j.}: the plugin framework is part of the boundary too: {@code ChannelConnector}
 *       extends PF4J's {@code ExtensionPoint}, a plugin's main class extends PF4J's {@code Plugin},
 *       which the hub's PF4J instantiates and casts, and {@code @Extension} is read by the hub's
 *       PF4J. (PF4J's own class loader shares {@code org.pf4j.} for the same reason.)</li>
 *   <li>{@code org.slf4j.}: plugins log through the hub's SLF4J binding (Log4j 2); a plugin's own
 *       slf4j-api would find no provider and log nowhere, and {@code PluginContext#logger} returns the
 *       hub's {@code Logger} type.</li>
 *   <li>{@code org.apache.camel.}: plugins that contribute Camel routes or components must share the
 *       hub's CamelContext types.</li>
 *   <li>{@code com.fasterxml.jackson.}: JSON trees and mappers that cross the boundary; one Jackson
 *       per hub. Jackson modules the hub lacks (jackson-dataformat-xml in the Twilio plugin) still
 *       come from the plugin.</li>
 *   <li>{@code io.micrometer.}: meters registered by plugins must land in the hub's registry.</li>
 * </ul>
 *
 * <p><b>Everything else is the plugin's own, and only the plugin's</b> ({@link #loadsFromHost} is
 * false): the plugin's classes/ and lib/, then the plugins it declares in {@code plugin.dependencies},
 * then the JDK's platform class loader. The hub's class path is never consulted for these names:
 * <ul>
 *   <li>Host internals ({@code io.switchboard.runtime.}, this loader's own
 *       {@code io.switchboard.pluginloader.}, and every other {@code io.switchboard.} name but the API)
 *       are not even visible: a plugin that tries gets a {@code ClassNotFoundException} that says the
 *       class is internal to the hub. Refusing is better than child-first here: a plugin that reached
 *       into the runtime would break on every hub release, and one that reached the plugin manager or
 *       {@link LoaderSwap} could load other plugins' classes and bypass tenant isolation. A plugin's
 *       own {@code io.switchboard.plugins.*} classes come from the plugin.</li>
 *   <li>The hub's other libraries (Kafka, PostgreSQL, Vert.x, Log4j core) are not visible either, so
 *       a plugin that forgot to bundle a library fails at once with a message naming the class,
 *       instead of silently running against whatever version the hub happens to ship today.</li>
 * </ul>
 *
 * <p><b>Resources</b> follow the same rule by path ({@link #loadsResourceFromHost}):
 * {@code org/slf4j/...} comes from the hub first, {@code META-INF/services/...}, {@code log4j2.xml},
 * {@code io/switchboard/runtime/...} or {@code io/switchboard/pluginloader/...} only from the plugin
 * (then its dependencies, then the JDK), so a {@code ServiceLoader} running with the plugin's loader
 * never sees a service file that names a class the plugin cannot load. PF4J's
 * {@code META-INF/extensions.idx} is the plugin's own only (see {@link IsolatingPluginClassLoader}).
 *
 * <p>Prefixes end with a dot, so {@code javaxyz.Foo}, {@code io.switchboard.apiary.Foo} and
 * {@code org.slf4jx.Foo} are the plugin's, not the hub's.
 *
 * <p>The hub's plugin host and the test kit's {@code PluginArchive} both load plugins through
 * {@link SwitchboardPluginManager}, so a plugin's tests see exactly this rule.
 */
public final class ClassLoadingPolicy {

  /** Package prefixes the hub shares with every plugin, host first. Each ends with a dot. */
  public static final List<String> HOST_PREFIXES = List.of(
      "java.",
      "javax.",
      "jakarta.",
      "jdk.",
      "sun.",
      "com.sun.",
      "org.w3c.dom.",
      "org.xml.sax.",
      "org.ietf.jgss.",
      "io.switchboard.api.",
      "org.pf4j.",
      "org.slf4j.",
      "org.apache.camel.",
      "com.fasterxml.jackson.",
      "io.micrometer.");

  private ClassLoadingPolicy() {}

  /**
   * True when the hub supplies {@code className} to plugins (host first, the plugin's copy only if
   * the hub has none); false when only the plugin itself, its plugin dependencies and the JDK may.
   *
   * @param className a binary class name, e.g. {@code io.switchboard.api.ChannelConnector}
   */
  public static boolean loadsFromHost(String className) {
    for (String prefix : HOST_PREFIXES) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The same rule for a resource path such as {@code org/slf4j/Logger.class} or
   * {@code META-INF/services/x}: true when the hub supplies it first.
   */
  public static boolean loadsResourceFromHost(String resourcePath) {
    return loadsFromHost(resourcePath.replace('/', '.'));
  }
}
