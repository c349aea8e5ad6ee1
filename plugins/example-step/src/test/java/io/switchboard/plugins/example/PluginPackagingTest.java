package io.switchboard.plugins.example;

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
  void pf4jIndexedBothExtensions() throws Exception {
    StringBuilder all = new StringBuilder();
    for (URL u : Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
      try (InputStream in = u.openStream()) {
        all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(all.toString()).contains(KeywordsStepFactory.class.getName(), ExampleJsonConnector.class.getName());
  }

  @Test
  void extensionsAndPluginHaveTheConstructorsTheHubUses() throws Exception {
    assertThat(KeywordsStepFactory.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(ExampleJsonConnector.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(Plugin.class.isAssignableFrom(ExamplePlugin.class)).isTrue();
    assertThat(ExamplePlugin.class.getConstructor().newInstance()).isNotNull();
    // What the hub's extension factory looks for: a public constructor taking the PluginContext, else a no-arg one.
    assertThat(ExampleJsonConnector.class.getConstructor(io.switchboard.api.PluginContext.class)).isNotNull();
    assertThat(KeywordsStepFactory.class.getConstructor()).isNotNull();
  }
}
