package io.switchboard.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.api.Interaction;
import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import io.switchboard.runtime.plugin.PluginCatalog;
import io.switchboard.runtime.tenant.Tenant;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WorkflowCompilerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Configuration of the test step. */
  public record TagConfig(String tag, int weight) {}

  static final class TagStep implements StepFactory<TagConfig> {
    @Override
    public String name() {
      return "test.tag";
    }

    @Override
    public Class<TagConfig> configType() {
      return TagConfig.class;
    }

    @Override
    public Step create(TagConfig config) {
      if (config.tag() == null) {
        throw new IllegalArgumentException("'tag' is required");
      }
      return e -> e.putSignal("tag", config.tag() + ":" + config.weight());
    }
  }

  private final Map<String, PluginCatalog.PluginStatus> installed = new java.util.HashMap<>(Map.of(
      "tags", new PluginCatalog.PluginStatus("tags", "1.0.0", "STARTED", null),
      "off", new PluginCatalog.PluginStatus("off", "1.0.0", "DISABLED", null),
      "broken", new PluginCatalog.PluginStatus("broken", "1.0.0", "FAILED", "start() threw: no license")));

  private final PluginCatalog catalog = new PluginCatalog() {
    @Override
    public Optional<PluginStatus> plugin(String id) {
      return Optional.ofNullable(installed.get(id));
    }

    @Override
    public Optional<ProvidedStep> step(String name) {
      return "test.tag".equals(name)
          ? Optional.of(new ProvidedStep("tags", new TagStep(), getClass().getClassLoader()))
          : Optional.empty();
    }
  };

  private static Tenant tenant(List<String> plugins, Tenant.StepSpec... steps) {
    return new Tenant("acme", "Acme", List.of(), Map.of(), plugins, List.of(steps));
  }

  private static Tenant.StepSpec step(String name, String configJson) throws Exception {
    return new Tenant.StepSpec(name, configJson == null ? null : JSON.readTree(configJson));
  }

  @Test
  void compilesStepsWithTheirTypedConfigurationAndRunsThem() throws Exception {
    CompiledWorkflow w = new WorkflowCompiler(catalog).compile(tenant(List.of("tags"), step("test.tag", "{\"tag\":\"vip\",\"weight\":3}")));

    assertThat(w.errors()).isEmpty();
    assertThat(w.steps()).extracting(StepRunner.ConfiguredStep::name).containsExactly("test.tag");
    try (StepRunner runner = new StepRunner(1, Duration.ZERO, Duration.ofSeconds(5))) {
      Interaction i = new Interaction(UUID.randomUUID(), "acme", "sms", "inbound", null, null, "+1", null, "hi", Instant.now(), Map.of());
      assertThat(runner.run(w.steps(), i, Map.of(), false)).containsEntry("tag", "vip:3");
    }
  }

  @Test
  void aMissingDisabledOrFailedPluginIsNamedWithTheTenant() throws Exception {
    CompiledWorkflow w = new WorkflowCompiler(catalog).compile(tenant(List.of("tags", "nope", "off", "broken")));

    assertThat(w.isRunnable()).isFalse();
    assertThat(w.errors()).containsExactly(
        "tenant 'acme' uses plugin 'nope', which is not installed on this hub",
        "tenant 'acme' uses plugin 'off', which is disabled",
        "tenant 'acme' uses plugin 'broken', which is failed (start() threw: no license)");
  }

  @Test
  void aStepMustComeFromAListedPlugin() throws Exception {
    CompiledWorkflow w = new WorkflowCompiler(catalog).compile(tenant(List.of(), step("test.tag", "{\"tag\":\"x\"}")));
    assertThat(w.errors()).singleElement().asString()
        .contains("workflow.steps[0] (test.tag)").contains("plugin 'tags'").contains("'plugins' list");
  }

  @Test
  void unknownStepsAndBadConfigurationAreExplained() throws Exception {
    CompiledWorkflow w = new WorkflowCompiler(catalog).compile(tenant(List.of("tags"),
        step("test.nothing", null),
        step("test.tag", "{\"tga\":\"typo\"}"),
        step("test.tag", "{\"weight\":\"heavy\"}"),
        step("test.tag", "{}")));

    assertThat(w.steps()).isEmpty();
    assertThat(w.errors()).hasSize(4);
    assertThat(w.errors().get(0)).contains("steps[0]").contains("no started plugin provides step 'test.nothing'");
    assertThat(w.errors().get(1)).isEqualTo(
        "tenant 'acme' workflow.steps[1] (test.tag): unknown field 'tga'; known fields: tag, weight");
    assertThat(w.errors().get(2)).contains("steps[2]").contains("field 'weight' must be an integer, got 'heavy'");
    assertThat(w.errors().get(3)).contains("steps[3]").contains("'tag' is required");
  }
}
