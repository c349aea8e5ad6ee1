package io.switchboard.plugins.stripe;

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
  void pf4jIndexedTheConnectorAndTheActions() throws Exception {
    StringBuilder all = new StringBuilder();
    for (URL u : Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
      try (InputStream in = u.openStream()) {
        all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(all.toString()).contains(StripeConnector.class.getName(), StripeActions.class.getName());
  }

  @Test
  void theExtensionsAndPluginHaveTheConstructorsTheHubUses() throws Exception {
    assertThat(StripeConnector.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(StripeActions.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(Plugin.class.isAssignableFrom(StripePlugin.class)).isTrue();
    assertThat(StripePlugin.class.getConstructor().newInstance()).isNotNull();
    assertThat(StripeConnector.class.getConstructor(io.switchboard.api.PluginContext.class)).isNotNull();
    assertThat(StripeActions.class.getConstructor(io.switchboard.api.PluginContext.class)).isNotNull();
  }
}
