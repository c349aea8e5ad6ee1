package io.switchboard.runtime.plugin;

import io.switchboard.api.ChannelConnector;
import io.switchboard.pluginloader.IsolatingPluginClassLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Builds real plugin archives at test time: compiles Java source strings with the JDK's compiler and
 * packs the classes into jars, PF4J plugin jars and PF4J plugin zips (plugin.properties, classes/,
 * lib/), the way a plugin's build would.
 */
public final class PluginArchives {

  private final Path work;

  public PluginArchives(Path work) {
    this.work = work;
  }

  /** The hub's API, PF4J and SLF4J: what plugins compile against with provided scope. */
  public static List<Path> hostApi() {
    return Stream.of(ChannelConnector.class, org.pf4j.Plugin.class, org.slf4j.Logger.class)
        .map(PluginArchives::location).distinct().toList();
  }

  private static Path location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Compiles {@code sources} (binary class name to source) into a fresh directory.
   *
   * @throws AssertionError with the compiler's messages when the sources do not compile
   */
  public Path compile(String name, Map<String, String> sources, List<Path> classpath) throws IOException {
    Path out = Files.createDirectories(work.resolve("classes-" + name));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach((className, source) -> units.add(new Source(className, source)));
    List<String> options = new ArrayList<>(List.of("-d", out.toString(), "--release", "17", "-proc:none"));
    if (!classpath.isEmpty()) {
      options.addAll(List.of("-classpath",
          classpath.stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator))));
    }
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
      if (!ok) {
        throw new AssertionError("compiling " + name + " failed: " + diagnostics.getDiagnostics());
      }
    }
    return out;
  }

  /** A plain jar of a classes directory plus extra text entries (path to content). */
  static Path jar(Path jar, Path classes, Map<String, String> extra, Manifest manifest) throws IOException {
    Files.createDirectories(jar.getParent());
    Manifest m = manifest != null ? manifest : new Manifest();
    m.getMainAttributes().putIfAbsent(Attributes.Name.MANIFEST_VERSION, "1.0");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
      for (Map.Entry<String, byte[]> e : entries(classes, extra).entrySet()) {
        put(out, e.getKey(), e.getValue());
      }
    }
    return jar;
  }

  /**
   * A PF4J plugin jar: the manifest carries the descriptor (Plugin-Id, Plugin-Version, Plugin-Class)
   * and META-INF/extensions.idx lists the extensions.
   */
  static Path pluginJar(Path jar, String id, String pluginClass, Path classes, String... extensions)
      throws IOException {
    Manifest m = new Manifest();
    Attributes a = m.getMainAttributes();
    a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    a.putValue("Plugin-Id", id);
    a.putValue("Plugin-Version", "1.0.0");
    a.putValue("Plugin-Provider", "Switchboard tests");
    if (pluginClass != null) {
      a.putValue("Plugin-Class", pluginClass);
    }
    return jar(jar, classes, Map.of(IsolatingPluginClassLoader.EXTENSIONS_INDEX, index(extensions)), m);
  }

  /**
   * A PF4J plugin zip as the hub's plugin builds make it: plugin.properties at the root, the plugin's
   * classes and META-INF/extensions.idx under classes/, its libraries under lib/.
   */
  public static Path pluginZip(Path zip, String id, String pluginClass, Path classes, List<Path> libs, String... extensions)
      throws IOException {
    Files.createDirectories(zip.getParent());
    Properties p = new Properties();
    p.setProperty("plugin.id", id);
    p.setProperty("plugin.version", "1.0.0");
    p.setProperty("plugin.provider", "Switchboard tests");
    if (pluginClass != null) {
      p.setProperty("plugin.class", pluginClass);
    }
    java.io.StringWriter descriptor = new java.io.StringWriter();
    p.store(descriptor, null);
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      put(out, "plugin.properties", descriptor.toString().getBytes(StandardCharsets.UTF_8));
      Map<String, byte[]> classEntries = entries(classes, Map.of(IsolatingPluginClassLoader.EXTENSIONS_INDEX, index(extensions)));
      for (Map.Entry<String, byte[]> e : classEntries.entrySet()) {
        put(out, "classes/" + e.getKey(), e.getValue());
      }
      for (Path lib : libs) {
        put(out, "lib/" + lib.getFileName(), Files.readAllBytes(lib));
      }
    }
    return zip;
  }

  private static String index(String... extensions) {
    return "# extensions, as PF4J's annotation processor writes them\n" + String.join("\n", Arrays.asList(extensions))
        + "\n";
  }

  private static Map<String, byte[]> entries(Path classes, Map<String, String> extra) throws IOException {
    Map<String, byte[]> entries = new TreeMap<>();
    if (classes != null) {
      try (Stream<Path> files = Files.walk(classes)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          entries.put(classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
        }
      }
    }
    extra.forEach((path, content) -> entries.put(path, content.getBytes(StandardCharsets.UTF_8)));
    return entries;
  }

  private static void put(ZipOutputStream out, String name, byte[] content) {
    try {
      out.putNextEntry(new ZipEntry(name));
      out.write(content);
      out.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A compilation unit held in memory. */
  private static final class Source extends SimpleJavaFileObject {
    private final String code;

    Source(String className, String code) {
      super(URI.create("string:///" + className.replace('.', '/') + Kind.SOURCE.extension), Kind.SOURCE);
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }
}
