package io.switchboard.plugins.ailocal;

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
  void pf4jIndexedTheThreeSteps() throws Exception {
    StringBuilder all = new StringBuilder();
    for (URL u : Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"))) {
      try (InputStream in = u.openStream()) {
        all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(all.toString()).contains(SentimentStepFactory.class.getName(), IntentStepFactory.class.getName(),
        LanguageStepFactory.class.getName());
  }

  @Test
  void extensionsAndPluginHaveTheConstructorsTheHubUses() throws Exception {
    assertThat(SentimentStepFactory.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(IntentStepFactory.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(LanguageStepFactory.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(AiLocalPlugin.class.getConstructor().newInstance()).isNotNull();
    assertThat(IntentStepFactory.class.getConstructor(PluginContext.class)).isNotNull();
    assertThat(SentimentStepFactory.class.getConstructor()).isNotNull();
    assertThat(LanguageStepFactory.class.getConstructor()).isNotNull();
  }
}
