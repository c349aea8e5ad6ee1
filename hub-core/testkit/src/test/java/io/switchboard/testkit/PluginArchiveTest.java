package io.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.ChannelConnector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugin zips built in the test from this module's test classes, checked and loaded with PF4J. */
class PluginArchiveTest {

  @TempDir
  Path dir;

  private static final String DESCRIPTOR = """
      plugin.id=tiny
      plugin.class=io.switchboard.testkit.TinyPlugin
      plugin.version=1.0.0
      plugin.provider=Tests
      plugin.requires=>=0.1.0
      """;

  /** The entries of an installable archive: descriptor, the two classes and the extension index. */
  private static Map<String, byte[]> goodEntries() throws IOException {
    Map<String, byte[]> e = new LinkedHashMap<>();
    e.put("plugin.properties", DESCRIPTOR.getBytes(StandardCharsets.UTF_8));
    e.put("classes/io/switchboard/testkit/TinyPlugin.class", classFile(TinyPlugin.class));
    e.put("classes/io/switchboard/testkit/TinyConnector.class", classFile(TinyConnector.class));
    e.put("classes/META-INF/extensions.idx", (TinyConnector.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
    return e;
  }

  @Test
  void loadsTheZipAndServesExtensionsFromThePluginsClassLoader() throws Exception {
    Path zip = zip("tiny.zip", goodEntries());
    assertThat(PluginArchive.problems(zip)).isEmpty();

    try (PluginArchive plugin = PluginArchive.load(zip, null, "0.1.0")) {
      assertThat(plugin.pluginId()).isEqualTo("tiny");
      assertThat(plugin.descriptor().getVersion()).isEqualTo("1.0.0");
      assertThat(plugin.entries()).contains("plugin.properties", "classes/META-INF/extensions.idx");
      ChannelConnector connector = plugin.connector("tiny");
      assertThat(connector.getClass().getClassLoader()).isSameAs(plugin.classLoader());
      assertThat(connector.getClass()).isNotSameAs(TinyConnector.class);
      assertThat(plugin.classLoader().loadClass(ChannelConnector.class.getName())).isSameAs(ChannelConnector.class);
      assertThat(plugin.stepFactories()).isEmpty();
      assertThatThrownBy(() -> plugin.connector("other")).isInstanceOf(ContractViolation.class)
          .hasMessage("plugin 'tiny' has no connector 'other'; it has [tiny]");

      // The loaded connector works through the tester like any other.
      ConnectorTester tester = ConnectorTester.builder(connector).secret("token", "t0ken-t0ken").build();
      assertThat(tester.simulate("messages", "+15551230001", "from the zip").single().text()).isEqualTo("from the zip");
    }
  }

  @Test
  void listsEveryProblemOfABrokenArchive() throws Exception {
    Map<String, byte[]> e = goodEntries();
    e.put("plugin.properties", DESCRIPTOR.replace("plugin.id=tiny", "plugin.id=${plugin.id}").getBytes(StandardCharsets.UTF_8));
    e.remove("classes/META-INF/extensions.idx");
    e.put("lib/slf4j-api-2.0.17.jar", jar("org/slf4j/Logger.class"));
    e.put("lib/switchboard-api-0.1.0.jar", jar("io/switchboard/api/ChannelConnector.class"));
    e.put("lib/good-lib-1.0.jar", jar("com/example/Good.class"));
    Path zip = zip("broken.zip", e);

    assertThat(PluginArchive.problems(zip)).containsExactly(
        "plugin.properties plugin.id is '${plugin.id}': the assembly must filter the file (<filtered>true</filtered>)",
        "classes/META-INF/extensions.idx is missing or empty: annotate extensions with @Extension and compile with pf4j"
            + " on the classpath (its annotation processor writes the index)",
        "lib/slf4j-api-2.0.17.jar carries org.slf4j, which the hub provides; give that dependency provided scope or exclude it",
        "lib/switchboard-api-0.1.0.jar carries io.switchboard.api, which the hub provides; give that dependency provided"
            + " scope or exclude it");
    assertThatThrownBy(() -> PluginArchive.load(zip)).isInstanceOf(ContractViolation.class)
        .hasMessageContaining("is not installable").hasMessageContaining("lib/slf4j-api-2.0.17.jar");
  }

  @Test
  void reportsLibrariesInPackagesTheHubShares() throws Exception {
    Map<String, byte[]> e = goodEntries();
    e.put("lib/jackson-core-2.19.4.jar", jar("com/fasterxml/jackson/core/JsonParser.class"));
    Path zip = zip("shared.zip", e);
    assertThat(PluginArchive.problems(zip)).isEmpty();
    assertThat(PluginArchive.shared(zip)).containsExactly("lib/jackson-core-2.19.4.jar carries com.fasterxml.jackson,"
        + " which the hub shares: its own classes win over the plugin's copy");
  }

  @Test
  void aLibraryMissingFromTheZipFailsTheLoadEvenWhenTheTestClassPathHasIt() throws Exception {
    Map<String, byte[]> e = goodEntries();
    e.put("classes/io/switchboard/testkit/NeedsLibraryConnector.class", classFile(NeedsLibraryConnector.class));
    e.put("classes/META-INF/extensions.idx", (NeedsLibraryConnector.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
    Path zip = zip("missing-lib.zip", e);

    assertThatThrownBy(() -> PluginArchive.load(zip, null, "0.1.0")).isInstanceOf(ContractViolation.class)
        .hasMessageContaining("has extensions the hub could not use")
        .hasMessageContaining(NeedsLibraryConnector.class.getName() + ": java.lang.NoClassDefFoundError")
        .hasMessageContaining("io/switchboard/testkit/TinyLibrary");

    // With the library in the archive it loads.
    e.put("classes/io/switchboard/testkit/TinyLibrary.class", classFile(TinyLibrary.class));
    try (PluginArchive plugin = PluginArchive.load(zip("with-lib.zip", e), null, "0.1.0")) {
      assertThat(plugin.connector("needs-library").getClass().getClassLoader()).isSameAs(plugin.classLoader());
    }
  }

  @Test
  void extensionsTakingAPluginContextGetTheTestsContext() throws Exception {
    Map<String, byte[]> e = goodEntries();
    e.put("classes/io/switchboard/testkit/ContextConnector.class", classFile(ContextConnector.class));
    e.put("classes/META-INF/extensions.idx", (ContextConnector.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
    TestPluginContext context = new TestPluginContext("tiny").config("connectorId", "configured");

    try (PluginArchive plugin = PluginArchive.load(zip("context.zip", e), context, "0.1.0")) {
      assertThat(plugin.connectors()).extracting(ChannelConnector::id).containsExactly("configured");
      // One instance per extension, as in the hub.
      assertThat(plugin.connector("configured")).isSameAs(plugin.connector("configured"));
      assertThat(context.metrics().counter("created")).isEqualTo(1.0);
    }
  }

  @Test
  void aPluginForANewerHubDoesNotStart() throws Exception {
    Path zip = zip("tiny.zip", goodEntries());
    assertThatThrownBy(() -> PluginArchive.load(zip, null, "0.0.9")).isInstanceOf(ContractViolation.class)
        .hasMessageContaining("is DISABLED (plugin.requires '>=0.1.0', hub version 0.0.9)");
  }

  @Test
  void theKitKnowsItsHubVersion() {
    assertThat(PluginArchive.hubVersion()).matches("\\d+\\.\\d+\\.\\d+").doesNotContain("SNAPSHOT");
  }

  private Path zip(String name, Map<String, byte[]> entries) throws IOException {
    Path zip = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(zip)) {
      out.write(zipBytes(entries));
    }
    return zip;
  }

  private static byte[] jar(String... classEntries) throws IOException {
    Map<String, byte[]> e = new LinkedHashMap<>();
    for (String c : classEntries) {
      e.put(c, new byte[] {(byte) 0xCA, (byte) 0xFE, (byte) 0xBA, (byte) 0xBE});
    }
    return zipBytes(e);
  }

  private static byte[] zipBytes(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        z.putNextEntry(new ZipEntry(e.getKey()));
        z.write(e.getValue());
        z.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] classFile(Class<?> type) throws IOException {
    try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
      return in.readAllBytes();
    }
  }
}
