package io.switchboard.plugins.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/** Loads the packaged plugin zip the way the hub does, with a real PF4J DefaultPluginManager. */
class PluginZipIT {

  @Test
  void loadsTheZipAndServesTheConnectorFromThePluginClassLoader(@TempDir Path plugins) throws Exception {
    Path zip = Path.of(System.getProperty("switchboard.twilio.zip", "target/switchboard-plugin-twilio.zip"));
    assertThat(zip).exists();
    Files.copy(zip, plugins.resolve("switchboard-plugin-twilio.zip"));
    try (ZipFile z = new ZipFile(zip.toFile())) {
      List<String> entries = z.stream().map(ZipEntry::getName).toList();
      assertThat(entries).contains("plugin.properties", "classes/META-INF/extensions.idx",
          "classes/io/switchboard/plugins/twilio/TwilioSmsConnector.class", "lib/twilio-10.9.2.jar");
      assertThat(entries).noneMatch(e -> e.matches("lib/(switchboard-api|pf4j|slf4j|java-semver).*"));
    }

    PluginManager manager = new DefaultPluginManager(plugins);
    manager.setSystemVersion("0.1.0");
    try {
      manager.loadPlugins();
      manager.startPlugins();

      PluginWrapper plugin = manager.getPlugin("twilio");
      assertThat(plugin).isNotNull();
      assertThat(plugin.getPluginState()).isEqualTo(PluginState.STARTED);
      assertThat(plugin.getPlugin()).isInstanceOf(org.pf4j.Plugin.class);
      assertThat(plugin.getDescriptor().getProvider()).isEqualTo("Switchboard");
      assertThat(plugin.getDescriptor().getPluginClass()).isEqualTo("io.switchboard.plugins.twilio.TwilioPlugin");

      // By plugin id: this test's own classpath also holds the connector, which PF4J finds too.
      List<ChannelConnector> connectors = manager.getExtensions(ChannelConnector.class, "twilio");
      assertThat(connectors).hasSize(1);
      ChannelConnector twilio = connectors.get(0);
      assertThat(twilio.id()).isEqualTo("twilio");

      // The connector and the Twilio SDK come from the archive, the API from the host.
      ClassLoader pluginLoader = plugin.getPluginClassLoader();
      assertThat(twilio.getClass().getClassLoader()).isSameAs(pluginLoader);
      assertThat(pluginLoader.loadClass("com.twilio.security.RequestValidator").getClassLoader()).isSameAs(pluginLoader);
      assertThat(pluginLoader.loadClass(ChannelConnector.class.getName())).isSameAs(ChannelConnector.class);
      assertThat(pluginLoader.loadClass("org.slf4j.Logger")).isSameAs(org.slf4j.Logger.class);

      ChannelSettings settings = new ChannelSettings("demo", Map.of("phoneNumbers", List.of("+15550006000")),
          Map.of("authToken", "demo-twilio-auth-token"));
      WebhookRequest r = twilio.simulate(new SimulatedMessage("sms", "http://localhost:8080/webhooks/demo/twilio/sms",
          "+15551230001", null, "hello from the plugin"), settings);
      twilio.verify(r, settings);
      InboundMessage m = twilio.parse(r, settings).get(0);
      assertThat(m.text()).isEqualTo("hello from the plugin");
      assertThat(twilio.acknowledge(r, List.of(m)).body()).contains("<Response/>");

      // A voice call's TwiML is written by the SDK's XML writer from inside the plugin, as the hub calls it.
      ChannelSettings voice = new ChannelSettings("demo",
          Map.of("ivr", Map.of("nodes", Map.of("main", Map.of("say", "Hello & welcome", "hangup", true)))),
          Map.of("authToken", "demo-twilio-auth-token"));
      WebhookRequest call = twilio.simulate(new SimulatedMessage("voice", "http://localhost:8080/webhooks/demo/twilio/voice",
          "+15551230001", "+15550006000", null), voice);
      twilio.verify(call, voice);
      assertThat(twilio.parse(call, voice)).isEmpty();
      ClassLoader previous = Thread.currentThread().getContextClassLoader();
      Thread.currentThread().setContextClassLoader(pluginLoader);
      try {
        assertThat(twilio.acknowledge(call, List.of(), voice).body())
            .contains("<Response><Say>Hello &amp; welcome</Say><Hangup/></Response>");
      } finally {
        Thread.currentThread().setContextClassLoader(previous);
      }
    } finally {
      // Not stopPlugins(): in PF4J 3.15.0 it throws ConcurrentModificationException (pf4j#656).
      for (PluginWrapper started : List.copyOf(manager.getStartedPlugins())) {
        manager.stopPlugin(started.getPluginId());
      }
      manager.unloadPlugins();
    }
  }
}
