package io.switchboard.plugins.aillm;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.PluginContext;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;

/** The compiled classes carry what PF4J needs: the extension index and the constructors the hub uses. */
class PluginPackagingTest {

  @Test
  void pf4jIndexedTheStep() throws Exception {
    StringBuilder all = new StringBuilder();
    for (URL u : Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
      try (InputStream in = u.openStream()) {
        all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(all.toString()).contains(LlmStepFactory.class.getName());
  }

  @Test
  void extensionAndPluginHaveTheConstructorsTheHubUses() throws Exception {
    assertThat(LlmStepFactory.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(LlmStepFactory.class.getConstructor(PluginContext.class)).isNotNull();
    assertThat(AiLlmPlugin.class.getConstructor().newInstance()).isNotNull();
  }
}
