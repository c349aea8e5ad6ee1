package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route shipped in routes/ loads into a CamelContext with the YAML DSL: a broken route fails
 * the build, not the first start in production. (camel-yaml-dsl-validator-maven-plugin is not
 * reachable from this build's repository.)
 */
class RoutesYamlTest {

  static Stream<Path> routes() throws Exception {
    Path dir = Path.of(System.getProperty("switchboard.it.config", "../../config")).resolveSibling("routes");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
    }
    assertThat(files).as("routes/*.camel.yaml").isNotEmpty();
    return files.stream();
  }

  @ParameterizedTest
  @MethodSource("routes")
  void loadsWithTheYamlDsl(Path file) throws Exception {
    try (DefaultCamelContext context = new DefaultCamelContext()) {
      Properties p = new Properties();
      p.put("switchboard.http.port", "8080");
      p.put("switchboard.public-url", "");
      p.put("switchboard.kafka.brokers", "localhost:9092");
      context.getPropertiesComponent().setInitialProperties(p);
      PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.resolveResource(context, "file:" + file.toAbsolutePath()));
      // every template can be instantiated with its parameters, as a tenant file does
      for (var t : context.getRouteTemplateDefinitions()) {
        assertThat(t.getId()).as("every route template has an id").isNotBlank();
        var use = org.apache.camel.builder.TemplatedRouteBuilder.builder(context, t.getId()).routeId("tenant-test." + t.getId());
        t.getTemplateParameters().forEach(param -> use.parameter(param.getName(),
            param.getDefaultValue() != null ? param.getDefaultValue() : "test"));
        use.add();
      }
      // build every route (endpoints, expressions) without starting any consumer
      context.setAutoStartup(false);
      context.start();
      assertThat(context.getRoutes()).as("routes built from %s", file).hasSameSizeAs(context.getRouteDefinitions());
      assertThat(context.getRouteDefinitions()).as("routes in %s", file).isNotEmpty()
          .allSatisfy(r -> assertThat(r.getRouteId()).as("every route has an id").isNotBlank());
    }
  }
}
