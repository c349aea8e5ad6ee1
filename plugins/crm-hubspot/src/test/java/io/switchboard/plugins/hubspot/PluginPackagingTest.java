package io.switchboard.plugins.hubspot;

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
    assertThat(all.toString()).contains(HubSpotConnector.class.getName(), CrmWebhookConnector.class.getName(),
        HubSpotActions.class.getName(), HubSpotSteps.ContactStep.class.getName(), HubSpotSteps.TaskStep.class.getName(),
        HubSpotSteps.NoteStep.class.getName());
  }

  @Test
  void theConnectorAndPluginHaveTheConstructorsTheHubUses() throws Exception {
    assertThat(HubSpotConnector.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(Plugin.class.isAssignableFrom(HubSpotPlugin.class)).isTrue();
    assertThat(HubSpotPlugin.class.getConstructor().newInstance()).isNotNull();
    for (Class<?> c : new Class<?>[] {HubSpotConnector.class, CrmWebhookConnector.class, HubSpotActions.class}) {
      assertThat(c.isAnnotationPresent(Extension.class)).isTrue();
      assertThat(c.getConstructor(io.switchboard.api.PluginContext.class)).isNotNull();
    }
    for (Class<?> c : new Class<?>[] {HubSpotSteps.ContactStep.class, HubSpotSteps.TaskStep.class, HubSpotSteps.NoteStep.class}) {
      assertThat(c.isAnnotationPresent(Extension.class)).isTrue();
      assertThat(c.getConstructor()).isNotNull();
    }
  }
}
