package io.switchboard.pluginloader;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The class-loading rule, row by row (the model is Kafka Connect's {@code PluginUtilsTest}). */
class ClassLoadingPolicyTest {

  @ParameterizedTest(name = "{0} from host: {1}")
  @CsvSource(textBlock = """
      # The JDK
      java.lang.String,                                      true
      java.util.concurrent.ConcurrentHashMap,                true
      javax.crypto.Mac,                                      true
      javax.net.ssl.SSLContext,                              true
      javax.inject.Inject,                                   true
      jakarta.annotation.Nullable,                           true
      jdk.internal.misc.Unsafe,                              true
      sun.misc.Unsafe,                                       true
      com.sun.net.httpserver.HttpServer,                     true
      org.w3c.dom.Document,                                  true
      org.xml.sax.InputSource,                               true
      org.ietf.jgss.GSSManager,                              true
      # The plugin API and what crosses the boundary with it
      io.switchboard.api.ChannelConnector,                   true
      io.switchboard.api.PluginContext$Metrics,              true
      io.switchboard.api.spi.SomethingLater,                 true
      org.pf4j.Plugin,                                       true
      org.pf4j.ExtensionPoint,                               true
      org.pf4j.Extension,                                    true
      org.slf4j.Logger,                                      true
      org.slf4j.spi.SLF4JServiceProvider,                    true
      org.apache.camel.CamelContext,                         true
      org.apache.camel.component.kafka.KafkaComponent,       true
      com.fasterxml.jackson.databind.ObjectMapper,           true
      com.fasterxml.jackson.dataformat.xml.XmlMapper,        true
      io.micrometer.core.instrument.MeterRegistry,           true
      # Near misses: a prefix is a whole package name, not a string prefix
      javaxx.Foo,                                            false
      javaxyz.Foo,                                           false
      javafx.scene.Node,                                     false
      jakartaee.Foo,                                         false
      jdkx.Foo,                                              false
      sunny.Day,                                             false
      com.sunrise.Foo,                                       false
      org.w3c.domx.Foo,                                      false
      io.switchboard.apiary.Foo,                             false
      io.switchboard.apix.Foo,                               false
      io.switchboard.Api,                                    false
      org.pf4jx.Plugin,                                      false
      org.slf4jx.Logger,                                     false
      org.apache.camelot.Knight,                             false
      com.fasterxml.jacksonx.Foo,                            false
      com.fasterxml.Foo,                                     false
      io.micrometerx.Foo,                                    false
      # The plugin's own classes and libraries
      io.switchboard.plugins.twilio.TwilioSmsConnector,      false
      com.twilio.security.RequestValidator,                  false
      org.apache.commons.codec.binary.Hex,                   false
      org.apache.http.client.HttpClient,                     false
      com.example.greeting.Greeter,                          false
      # Host internals and the hub's other libraries: never from the host
      io.switchboard.runtime.X,                              false
      io.switchboard.runtime.plugin.PluginHost,              false
      io.switchboard.runtime.http.WebhookIngress,            false
      io.switchboard.pluginloader.SwitchboardPluginManager,  false
      io.switchboard.pluginloader.LoaderSwap,                false
      io.switchboard.pluginloader.ClassLoadingPolicy,        false
      io.switchboard.testkit.PluginArchive,                  false
      org.apache.kafka.clients.producer.KafkaProducer,       false
      org.postgresql.Driver,                                 false
      com.zaxxer.hikari.HikariDataSource,                    false
      org.apache.logging.log4j.core.LoggerContext,           false
      io.vertx.core.Vertx,                                   false
      """)
  void classes(String className, boolean fromHost) {
    assertThat(ClassLoadingPolicy.loadsFromHost(className)).isEqualTo(fromHost);
  }

  @ParameterizedTest(name = "{0} from host: {1}")
  @CsvSource(textBlock = """
      java/lang/Object.class,                                true
      org/slf4j/Logger.class,                                true
      io/switchboard/api/ChannelConnector.class,             true
      com/fasterxml/jackson/core/json/VERSION.txt,           true
      org/slf4jx/Logger.class,                               false
      META-INF/extensions.idx,                               false
      META-INF/MANIFEST.MF,                                  false
      META-INF/services/org.slf4j.spi.SLF4JServiceProvider,  false
      META-INF/services/java.sql.Driver,                     false
      io/switchboard/runtime/version.properties,             false
      io/switchboard/pluginloader/ClassLoadingPolicy.class,  false
      log4j2.xml,                                            false
      com/example/greeting/version.txt,                      false
      """)
  void resources(String path, boolean fromHost) {
    assertThat(ClassLoadingPolicy.loadsResourceFromHost(path)).isEqualTo(fromHost);
  }

  @Test
  void everyPrefixIsAWholePackageName() {
    assertThat(ClassLoadingPolicy.HOST_PREFIXES).allSatisfy(p -> assertThat(p).endsWith(".").doesNotStartWith("."));
    assertThat(ClassLoadingPolicy.HOST_PREFIXES).doesNotHaveDuplicates();
  }
}
