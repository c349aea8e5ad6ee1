package io.switchboard.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwitchboardConfigTest {

  @TempDir
  Path home;

  @Test
  void environmentOverridesTheFileAndSystemPropertiesOverrideBoth() throws Exception {
    Path file = home.resolve("switchboard.properties");
    Files.writeString(file, "switchboard.http.port=9000\nswitchboard.db.url=jdbc:postgresql://file/db\n");
    Properties sys = new Properties();
    sys.put("switchboard.kafka.topic-partitions", "7");

    SwitchboardConfig c = SwitchboardConfig.load(home, file,
        Map.of("SWITCHBOARD_DB_URL", "jdbc:postgresql://env/db", "SWITCHBOARD_KAFKA_TOPIC_PARTITIONS", "5"), sys);

    assertThat(c.intValue(SwitchboardConfig.HTTP_PORT)).isEqualTo(9000);
    assertThat(c.require(SwitchboardConfig.DB_URL)).isEqualTo("jdbc:postgresql://env/db");
    assertThat(c.intValue(SwitchboardConfig.KAFKA_PARTITIONS)).isEqualTo(7);
    assertThat(c.intValue(SwitchboardConfig.CONVERSATION_WINDOW)).as("built-in default").isEqualTo(24);
  }

  @Test
  void defaultsAndPathsResolveAgainstHome() {
    SwitchboardConfig c = SwitchboardConfig.load(home, null, Map.of(), new Properties());
    assertThat(c.intValue(SwitchboardConfig.HTTP_PORT)).isEqualTo(8080);
    assertThat(c.path(SwitchboardConfig.DATA_DIR)).isEqualTo(home.toAbsolutePath().resolve("data"));
    assertThat(c.get(SwitchboardConfig.DB_URL)).isEmpty();
    assertThat(c.get(SwitchboardConfig.PUBLIC_URL)).isEmpty();
  }

  @Test
  void pluginSettingsAreReadByPrefix() throws Exception {
    Path file = home.resolve("p.properties");
    Files.writeString(file, "switchboard.plugins.crm.region=eu\nswitchboard.plugins.crm.secrets.apiKey=k\nswitchboard.plugins.crmx.y=1\n");
    SwitchboardConfig c = SwitchboardConfig.load(home, file, Map.of(), new Properties());
    assertThat(c.withPrefix("switchboard.plugins.crm.")).containsOnly(
        Map.entry("region", "eu"), Map.entry("secrets.apiKey", "k"));
  }

  @Test
  void envNamesFollowTheKey() {
    assertThat(SwitchboardConfig.envName("switchboard.db.url")).isEqualTo("SWITCHBOARD_DB_URL");
    assertThat(SwitchboardConfig.envName("switchboard.kafka.bootstrap-servers")).isEqualTo("SWITCHBOARD_KAFKA_BOOTSTRAP_SERVERS");
  }

  @Test
  void secretsAreMaskedInWhatIsLogged() {
    SwitchboardConfig c = SwitchboardConfig.load(home, null, Map.of("SWITCHBOARD_DB_PASSWORD", "hunter2"), new Properties());
    assertThat(c.redacted().get(SwitchboardConfig.DB_PASSWORD)).isEqualTo("****");
    assertThat(c.redacted().toString()).doesNotContain("hunter2");
    SwitchboardConfig plugin = c.with(Map.of("switchboard.plugins.crm.secrets.signing", "s3cr3t-value"));
    assertThat(plugin.redacted().get("switchboard.plugins.crm.secrets.signing")).isEqualTo("****");
  }

  @Test
  void badNumbersSayWhichKey() {
    SwitchboardConfig c = SwitchboardConfig.load(home, null, Map.of("SWITCHBOARD_HTTP_PORT", "eighty"), new Properties());
    assertThatThrownBy(() -> c.intValue(SwitchboardConfig.HTTP_PORT))
        .hasMessageContaining("switchboard.http.port").hasMessageContaining("eighty");
  }

  /** docs/configuration.md documents every key, and documents no key that does not exist. */
  @Test
  void everyKeyIsDocumentedInOneTable() throws Exception {
    Path doc = Path.of(System.getProperty("switchboard.it.config", "../../config")).resolveSibling("docs/configuration.md");
    String text = Files.readString(doc);
    Set<String> documented = new TreeSet<>();
    Matcher m = Pattern.compile("^\\| `(switchboard\\.[a-z0-9.-]+)` \\|", Pattern.MULTILINE).matcher(text);
    while (m.find()) {
      documented.add(m.group(1));
    }
    Set<String> known = new TreeSet<>(SwitchboardConfig.load(home, null, Map.of(), new Properties()).asMap().keySet());
    assertThat(documented).isEqualTo(known);
    for (String key : known) {
      assertThat(text).contains("`" + SwitchboardConfig.envName(key) + "`");
    }
  }
}
