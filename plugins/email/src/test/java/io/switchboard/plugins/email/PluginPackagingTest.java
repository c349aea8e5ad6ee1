package io.switchboard.plugins.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;
import org.pf4j.Plugin;

/** The compiled classes carry what PF4J needs: the extension index and a no-arg plugin class. */
class PluginPackagingTest {

  @Test
  void pf4jIndexedTheConnector() throws Exception {
    StringBuilder all = new StringBuilder();
    for (URL u : Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
      try (InputStream in = u.openStream()) {
        all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(all.toString()).contains(EmailConnector.class.getName());
  }

  @Test
  void extensionsAndPluginHaveTheConstructorsTheHubUses() throws Exception {
    assertThat(EmailConnector.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(Plugin.class.isAssignableFrom(EmailPlugin.class)).isTrue();
    assertThat(EmailPlugin.class.getConstructor().newInstance()).isNotNull();
    // What the hub's extension factory looks for: a public constructor taking the PluginContext, else a no-arg one.
    assertThat(EmailConnector.class.getConstructor(io.switchboard.api.PluginContext.class)).isNotNull();
  }
}
