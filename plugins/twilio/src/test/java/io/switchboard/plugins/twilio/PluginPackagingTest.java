package io.switchboard.plugins.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ChannelConnector;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;
import org.pf4j.Plugin;

/** The compiled plugin carries what PF4J needs: the extension index and a no-arg plugin class. */
class PluginPackagingTest {

  @Test
  void pf4jIndexedTheConnector() throws Exception {
    StringBuilder all = new StringBuilder();
    List<URL> indexes = Collections.list(getClass().getClassLoader().getResources("META-INF/extensions.idx"));
    for (URL u : indexes) {
      try (InputStream in = u.openStream()) {
        all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(all.toString()).contains(TwilioSmsConnector.class.getName());
  }

  @Test
  void connectorIsAnExtensionAndPluginHasANoArgConstructor() throws Exception {
    assertThat(TwilioSmsConnector.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(ChannelConnector.class.isAssignableFrom(TwilioSmsConnector.class)).isTrue();
    assertThat(Plugin.class.isAssignableFrom(TwilioPlugin.class)).isTrue();
    assertThat(TwilioPlugin.class.getConstructor().newInstance()).isNotNull();
  }
}
