package io.switchboard.runtime.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantRegistryTest {

  @TempDir
  Path dir;

  private void write(String name, String yaml) throws Exception {
    Files.writeString(dir.resolve(name), yaml);
  }

  @Test
  void resolvesLiteralAndEnvironmentSecrets() throws Exception {
    write("acme.yaml", """
        id: acme
        name: Acme
        apiKeys: ["${env:ACME_KEY}", literal-key]
        channels:
          twilio:
            phoneNumbers: ["+15550001111"]
            secrets:
              authToken: ${env:ACME_TOKEN}
              other: ${env:UNSET_VAR:-fallback}
        """);
    TenantRegistry r = TenantRegistry.load(dir, Map.of("ACME_KEY", "k-from-env", "ACME_TOKEN", "t-from-env"));

    Tenant t = r.find("acme").orElseThrow();
    assertThat(t.acceptsApiKey("k-from-env")).isTrue();
    assertThat(t.acceptsApiKey("literal-key")).isTrue();
    assertThat(t.acceptsApiKey("${env:ACME_KEY}")).isFalse();
    assertThat(t.channel("twilio").orElseThrow().requireSecret("authToken")).isEqualTo("t-from-env");
    assertThat(t.channel("twilio").orElseThrow().requireSecret("other")).isEqualTo("fallback");
    assertThat(t.channel("twilio").orElseThrow().list("phoneNumbers")).containsExactly("+15550001111");
    assertThat(r.byApiKey("literal-key")).contains(t);
    assertThat(t.toString() + t.channel("twilio").orElseThrow()).doesNotContain("t-from-env");
  }

  @Test
  void aMissingEnvironmentVariableIsNamedWithTheField() throws Exception {
    write("acme.yaml", """
        id: acme
        channels:
          twilio:
            secrets:
              authToken: ${env:NOT_SET_ANYWHERE}
        """);
    assertThatThrownBy(() -> TenantRegistry.load(dir, Map.of()))
        .isInstanceOf(TenantConfigException.class)
        .hasMessageContaining("acme.yaml")
        .hasMessageContaining("channels.twilio.secrets.authToken")
        .hasMessageContaining("NOT_SET_ANYWHERE");
  }

  @Test
  void unknownFieldsAreRejectedWithTheirLocation() throws Exception {
    write("acme.yaml", "id: acme\nnmae: Typo\n");
    assertThatThrownBy(() -> TenantRegistry.load(dir, Map.of()))
        .hasMessageContaining("acme.yaml:")
        .hasMessageContaining("nmae");
  }

  @Test
  void duplicateKeysAreRejected() throws Exception {
    write("acme.yaml", "id: acme\nname: One\nname: Two\n");
    assertThatThrownBy(() -> TenantRegistry.load(dir, Map.of()))
        .hasMessageContaining("acme.yaml")
        .hasMessageContaining("name");
  }

  @Test
  void theIdMustMatchTheFileNameAndBeWellFormed() throws Exception {
    write("acme.yaml", "id: other\n");
    write("Bad_Name.yaml", "id: Bad_Name\n");
    assertThatThrownBy(() -> TenantRegistry.load(dir, Map.of()))
        .hasMessageContaining("acme.yaml:1:5: id: is 'other' but must equal the file name 'acme'")
        .hasMessageContaining("lower-case letters");
  }

  @Test
  void theShippedDemoTenantLoads() throws Exception {
    Path config = Path.of(System.getProperty("switchboard.it.config", "../../config"));
    TenantRegistry r = TenantRegistry.load(config.resolve("tenants"), Map.of());
    Tenant demo = r.find("demo").orElseThrow();
    assertThat(demo.acceptsApiKey("sb_demo_key")).isTrue();
    assertThat(demo.channel("twilio").orElseThrow().requireSecret("authToken")).isEqualTo("demo-twilio-auth-token");
  }
}
