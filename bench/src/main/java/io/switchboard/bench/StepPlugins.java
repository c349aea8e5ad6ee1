package io.switchboard.bench;

import io.switchboard.api.StepFactory;
import io.switchboard.pluginloader.IsolatingPluginClassLoader;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
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
 * Tiny step plugins built at run time, as a plugin's build would package them: plugin {@code
 * bench-step-N} contributes the step {@code bench.stepN}, which puts the signal {@code benchN}. Each
 * is compiled with the JDK's compiler against the hub's API and zipped as a PF4J plugin zip
 * (plugin.properties, classes/, classes/META-INF/extensions.idx). Needs a JDK, not a JRE.
 */
final class StepPlugins {

  private StepPlugins() {}

  static String pluginId(int n) {
    return "bench-step-" + n;
  }

  static String stepName(int n) {
    return "bench.step" + n;
  }

  /** Builds the zip of plugin {@code n} in {@code dir} and returns it. */
  static Path build(Path dir, int n) throws IOException {
    String pkg = "bench.step" + n;
    String className = pkg + ".BenchStep" + n;
    String source = """
        package %s;
        import io.switchboard.api.*;
        public class BenchStep%d implements StepFactory<Void> {
          public String name() { return "%s"; }
          public Class<Void> configType() { return Void.class; }
          public Step create(Void config) { return e -> e.putSignal("bench%d", "ok"); }
        }
        """.formatted(pkg, n, stepName(n), n);
    Path classes = compile(dir.resolve("classes-" + n), className, source);
    Properties descriptor = new Properties();
    descriptor.setProperty("plugin.id", pluginId(n));
    descriptor.setProperty("plugin.version", "1.0.0");
    descriptor.setProperty("plugin.provider", "Switchboard bench");
    StringWriter text = new StringWriter();
    descriptor.store(text, null);
    Path zip = dir.resolve(pluginId(n) + ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
        Stream<Path> files = Files.walk(classes)) {
      entry(out, "plugin.properties", text.toString().getBytes(StandardCharsets.UTF_8));
      entry(out, "classes/" + IsolatingPluginClassLoader.EXTENSIONS_INDEX, (className + "\n").getBytes(StandardCharsets.UTF_8));
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        entry(out, "classes/" + classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
      }
    }
    return zip;
  }

  private static void entry(ZipOutputStream out, String name, byte[] content) throws IOException {
    out.putNextEntry(new ZipEntry(name));
    out.write(content);
    out.closeEntry();
  }

  private static Path compile(Path out, String className, String source) throws IOException {
    Files.createDirectories(out);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no Java compiler in this runtime; run the benchmark with a JDK");
    }
    String classpath = Stream.of(StepFactory.class, org.pf4j.ExtensionPoint.class)
        .map(StepPlugins::location).distinct().collect(Collectors.joining(java.io.File.pathSeparator));
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    JavaFileObject unit = new SimpleJavaFileObject(
        URI.create("string:///" + className.replace('.', '/') + JavaFileObject.Kind.SOURCE.extension),
        JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return source;
      }
    };
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      List<String> options = List.of("-d", out.toString(), "--release", "17", "-proc:none", "-classpath", classpath);
      if (!javac.getTask(null, files, diagnostics, options, null, List.of(unit)).call()) {
        throw new IllegalStateException("compiling " + className + " failed: " + diagnostics.getDiagnostics());
      }
    }
    return out;
  }

  private static String location(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
