package io.switchboard.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import io.switchboard.runtime.plugin.PluginCatalog;
import io.switchboard.runtime.tenant.ConfigProblem;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantLoader;
import io.switchboard.runtime.workflow.builtin.BuiltinSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowCompilerTest {

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

  @TempDir
  Path dir;

  private final Map<String, PluginCatalog.PluginStatus> installed = new java.util.HashMap<>(Map.of(
      "tags", new PluginCatalog.PluginStatus("tags", "1.0.0", "STARTED", null),
      "shadow", new PluginCatalog.PluginStatus("shadow", "1.0.0", "STARTED", null),
      "off", new PluginCatalog.PluginStatus("off", "1.0.0", "DISABLED", null),
      "broken", new PluginCatalog.PluginStatus("broken", "1.0.0", "FAILED", "start() threw: no license")));

  private final PluginCatalog catalog = new PluginCatalog() {
    @Override
    public Optional<PluginStatus> plugin(String id) {
      return Optional.ofNullable(installed.get(id));
    }

    @Override
    public Optional<ProvidedStep> step(String name) {
      if ("set".equals(name)) {
        // a plugin step with a hub step's name
        return Optional.of(new ProvidedStep("shadow", new TagStep(), getClass().getClassLoader()));
      }
      return "test.tag".equals(name)
          ? Optional.of(new ProvidedStep("tags", new TagStep(), getClass().getClassLoader()))
          : Optional.empty();
    }

    @Override
    public List<ProvidedStep> steps() {
      return List.of(step("test.tag").orElseThrow());
    }
  };

  private final StepRunner runner = new StepRunner(1, Duration.ZERO, Duration.ofSeconds(5));
  private final DefaultCamelContext camel = new DefaultCamelContext();
  private final WorkflowCompiler compiler = new WorkflowCompiler(catalog, new BuiltinSteps(), runner,
      new RouteTemplates(() -> camel));

  @AfterEach
  void close() throws Exception {
    runner.close();
    camel.close();
  }

  private Tenant tenant(String yaml) throws Exception {
    Path f = dir.resolve("acme.yaml");
    Files.writeString(f, "id: acme\n" + yaml);
    TenantLoader.Result r = new TenantLoader(Map.of()).load(f);
    assertThat(r.problems()).isEmpty();
    return r.tenant();
  }

  private static List<String> problems(CompiledWorkflow w) {
    return w.problems().stream().map(ConfigProblem::toString).toList();
  }

  /** Runs the default variant's nodes over items with these texts. */
  private static List<WorkflowItem> run(CompiledWorkflow w, String channel, String... texts) throws Exception {
    List<WorkflowItem> items = new ArrayList<>();
    for (String t : texts) {
      items.add(StepRunnerTest.item(t));
    }
    WorkflowNode.runAll(w.nodesFor(channel), items, false);
    return items;
  }

  @Test
  void compilesStepsWithTheirTypedConfigurationAndRunsThem() throws Exception {
    CompiledWorkflow w = compiler.compile(tenant("""
        plugins: [tags]
        workflow:
          steps:
            - step: test.tag
              config: {tag: vip, weight: 3}
        """));

    assertThat(problems(w)).isEmpty();
    assertThat(run(w, "sms", "hi").get(0).signals()).containsEntry("tag", "vip:3");
  }

  @Test
  void aMissingDisabledOrFailedPluginIsNamedWithItsPosition() throws Exception {
    CompiledWorkflow w = compiler.compile(tenant("plugins: [tags, nope, \"off\", broken]\n"));

    assertThat(w.isRunnable()).isFalse();
    assertThat(problems(w)).containsExactly(
        "plugins[1]: plugin 'nope' is not installed on this hub",
        "plugins[2]: plugin 'off' is disabled",
        "plugins[3]: plugin 'broken' is failed (start() threw: no license)");
  }

  @Test
  void aStepMustComeFromAListedPlugin() throws Exception {
    CompiledWorkflow w = compiler.compile(tenant("""
        workflow:
          steps:
            - step: test.tag
              config: {tag: x}
        """));
    assertThat(problems(w)).containsExactly(
        "workflow.steps[0].step: step 'test.tag' comes from plugin 'tags'; add it to 'plugins'");
  }

  @Test
  void unknownStepsBadConfigurationAndBadConditionsAreExplainedWithTheirPaths() throws Exception {
    CompiledWorkflow w = compiler.compile(tenant("""
        plugins: [tags]
        workflow:
          steps:
            - step: test.nothing
            - step: test.tag
              config: {tga: typo}
            - step: test.tag
              config: {weight: heavy}
            - step: test.tag
              config: {}
            - step: tag
              when: "signals.sentiment.label =="
              config: {tags: [x]}
            - step: notify.webhook
              config: {url: "https://example.com/h", secret: missing}
        """));

    assertThat(w.isRunnable()).isFalse();
    assertThat(problems(w)).hasSize(6);
    assertThat(problems(w).get(0)).startsWith("workflow.steps[0].step: no step 'test.nothing'")
        .contains("ai.sentiment, tag, set, reply, notify.webhook");
    assertThat(problems(w).get(1)).isEqualTo("workflow.steps[1].config.tga: unknown field 'tga'; known fields: tag, weight");
    assertThat(problems(w).get(2)).isEqualTo("workflow.steps[2].config.weight: field 'weight' must be an integer, got 'heavy'");
    assertThat(problems(w).get(3)).isEqualTo("workflow.steps[3].config: 'tag' is required");
    assertThat(problems(w).get(4)).startsWith("workflow.steps[4].when: is not a valid CEL expression at character");
    assertThat(problems(w).get(5)).startsWith("workflow.steps[5].config.secret: 'missing' is not one of the tenant's secrets");
  }

  @Test
  void conditionsChoicesAndStopsRouteEachInteractionAsWritten() throws Exception {
    CompiledWorkflow w = compiler.compile(tenant("""
        workflow:
          steps:
            - step: set
              config:
                signals:
                  refund: "interaction.text.contains('refund')"
                  angry: "interaction.text.contains('!!')"
            - stop: {reason: spam}
              id: drop-spam
              when: "interaction.text.startsWith('WIN')"
            - id: triage
              choice:
                when:
                  - id: urgent
                    condition: "signals.refund && signals.angry"
                    steps:
                      - step: tag
                        config: {tags: [urgent]}
                  - id: refund
                    condition: "signals.refund"
                    steps:
                      - step: tag
                        config: {tags: [refund]}
                otherwise:
                  - step: tag
                    config: {tags: [general]}
            - step: tag
              when: "has(signals.tags) && 'urgent' in signals.tags"
              config: {tags: [escalated]}
        """));
    assertThat(problems(w)).isEmpty();

    List<WorkflowItem> out = run(w, "sms", "refund now!!", "a refund please", "hello", "WIN a prize");

    assertThat(out.get(0).signals().get("tags")).isEqualTo(List.of("urgent", "escalated"));
    assertThat(out.get(1).signals().get("tags")).isEqualTo(List.of("refund"));
    assertThat(out.get(2).signals().get("tags")).isEqualTo(List.of("general"));
    assertThat(out.get(3).stopped()).isTrue();
    assertThat(out.get(3).signals()).doesNotContainKey("tags");
    assertThat(out.get(0).trace()).contains(new WorkflowItem.Trace("triage", "branch", "urgent"));
    assertThat(out.get(2).trace()).contains(new WorkflowItem.Trace("triage", "branch", "otherwise"));
    assertThat(out.get(3).trace()).contains(new WorkflowItem.Trace("drop-spam", "stopped", "spam"));
  }

  @Test
  void aConditionOnAMissingSignalIsFalseAndTheTraceSaysWhy() throws Exception {
    CompiledWorkflow w = compiler.compile(tenant("""
        workflow:
          steps:
            - step: tag
              id: refund-intent
              when: "signals.intent.name == 'refund'"
              config: {tags: [refund]}
        """));
    WorkflowItem item = run(w, "sms", "x").get(0);
    assertThat(item.signals()).doesNotContainKey("tags");
    assertThat(item.trace()).singleElement().satisfies(t -> {
      assertThat(t.outcome()).isEqualTo("condition-error");
      assertThat(t.detail()).contains("intent").contains("taken as false");
    });
  }

  @Test
  void aChannelOverrideReplacesTheDefaultSteps() throws Exception {
    CompiledWorkflow w = compiler.compile(tenant("""
        workflow:
          steps:
            - step: tag
              config: {tags: [default]}
          channels:
            whatsapp:
              steps:
                - step: tag
                  config: {tags: [whatsapp]}
        """));
    assertThat(run(w, "sms", "x").get(0).signals().get("tags")).isEqualTo(List.of("default"));
    assertThat(run(w, "whatsapp", "x").get(0).signals().get("tags")).isEqualTo(List.of("whatsapp"));
    assertThat(w.variantFor("whatsapp")).isEqualTo("whatsapp");
    assertThat(w.variantFor("email")).isEqualTo(CompiledWorkflow.DEFAULT);
  }

  @Test
  void replyAndWebhookStepsAskForActionsWithTheirTemplateFilledIn() throws Exception {
    CompiledWorkflow w = compiler.compile(tenant("""
        secrets:
          partner: s3cret
        workflow:
          steps:
            - step: reply
              config: {text: "Thanks! We got: {{interaction.text}} ({{contact.displayName}})"}
            - step: notify.webhook
              config: {url: "https://partner.example/hooks", secret: partner, event: lead.created}
        """));
    assertThat(problems(w)).isEmpty();
    WorkflowItem item = run(w, "sms", "my order").get(0);
    assertThat(item.actions()).extracting(WorkflowItem.Action::type).containsExactly("reply", "webhook");
    assertThat(item.actions().get(0).payload()).containsEntry("text", "Thanks! We got: my order ()")
        .containsEntry("to", "+15551230001").containsEntry("connector", "twilio");
    assertThat(item.actions().get(1).payload()).containsEntry("secret", "partner")
        .containsEntry("url", "https://partner.example/hooks");
    assertThat(item.actions().get(1).payload().toString()).doesNotContain("s3cret");
  }

  @Test
  void aReplyCarriesMediaAndMayHaveNoText() throws Exception {
    CompiledWorkflow w = compiler.compile(tenant("""
        workflow:
          steps:
            - step: reply
              config: {media: ["https://cdn.example.com/menu.pdf", "https://cdn.example.com/{{interaction.channel}}.png"]}
        """));
    assertThat(problems(w)).isEmpty();
    var payload = run(w, "sms", "menu?").get(0).actions().get(0).payload();
    assertThat(payload).containsEntry("text", "")
        .containsEntry("media", List.of("https://cdn.example.com/menu.pdf", "https://cdn.example.com/sms.png"));

    assertThat(problems(compiler.compile(tenant("""
        workflow:
          steps:
            - step: reply
              config: {text: "see attached", media: ["ftp://files.example.com/a.pdf"]}
        """)))).singleElement().asString().contains("media[0]").contains("public http(s) URL");
    assertThat(problems(compiler.compile(tenant("""
        workflow:
          steps:
            - step: reply
              config: {}
        """)))).singleElement().asString().contains("text").contains("or give media");
  }

  @Test
  void aStepOfTheTenantsOwnPluginWinsOverTheHubStepOfThatName() throws Exception {
    CompiledWorkflow mine = compiler.compile(tenant("""
        plugins: [shadow]
        workflow:
          steps:
            - {step: set, config: {tag: plugin, weight: 1}}
        """));
    assertThat(problems(mine)).isEmpty();
    assertThat(run(mine, "sms", "x").get(0).signals()).containsEntry("tag", "plugin:1");

    CompiledWorkflow hub = compiler.compile(tenant("""
        workflow:
          steps:
            - {step: set, config: {signals: {n: "1 + 1"}}}
        """));
    assertThat(problems(hub)).isEmpty();
    assertThat(run(hub, "sms", "x").get(0).signals()).containsEntry("n", 2L);
  }

  @Test
  void nodeIdsMustBeUnique() throws Exception {
    CompiledWorkflow w = compiler.compile(tenant("""
        workflow:
          steps:
            - {step: tag, id: t, config: {tags: [a]}}
            - {step: tag, id: t, config: {tags: [b]}}
        """));
    assertThat(problems(w)).containsExactly(
        "workflow.steps[1].id: 't' is already the id of another node; ids must be unique in the workflow");
  }

  @Test
  void aRouteTemplateMustExistAndGetItsParameters() throws Exception {
    CompiledWorkflow w = compiler.compile(tenant("""
        routes:
          - template: nowhere
        """));
    assertThat(problems(w)).singleElement().asString()
        .startsWith("routes[0].template: no route template 'nowhere' in routes/*.camel.yaml");
  }

  @Test
  void secretReferencesInAPluginStepsConfigurationAreResolvedFromTheTenantsSecrets() throws Exception {
    io.switchboard.runtime.tenant.Tenant t = new io.switchboard.runtime.tenant.Tenant(
        new io.switchboard.runtime.tenant.TenantFile("sec", null, null, null, List.of(), Map.of(), Map.of(), List.of(), List.of(),
            null, null),
        List.of(), Map.of(), Map.of("openai", "sk-test-123"), new io.switchboard.runtime.tenant.Tenant.Source(null, "", null, null));
    com.fasterxml.jackson.databind.JsonNode config = io.switchboard.runtime.util.Json.MAPPER.readTree(
        "{\"apiKey\":\"${secret:openai}\",\"nested\":[{\"k\":\"${secret:openai}\"}],\"plain\":\"x ${secret:openai}\"}");
    com.fasterxml.jackson.databind.JsonNode resolved = WorkflowCompiler.withSecrets(config, t, "");
    org.assertj.core.api.Assertions.assertThat(resolved.path("apiKey").asText()).isEqualTo("sk-test-123");
    org.assertj.core.api.Assertions.assertThat(resolved.path("nested").get(0).path("k").asText()).isEqualTo("sk-test-123");
    // only whole values are references; the original tree keeps the reference
    org.assertj.core.api.Assertions.assertThat(resolved.path("plain").asText()).isEqualTo("x ${secret:openai}");
    org.assertj.core.api.Assertions.assertThat(config.path("apiKey").asText()).isEqualTo("${secret:openai}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> WorkflowCompiler.withSecrets(
        io.switchboard.runtime.util.Json.MAPPER.readTree("{\"a\":{\"key\":\"${secret:nope}\"}}"), t, ""))
        .isInstanceOf(WorkflowCompiler.UnknownSecretException.class)
        .hasMessageContaining("secret 'nope' is not one of the tenant's secrets [openai]")
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((WorkflowCompiler.UnknownSecretException) e).at).isEqualTo(".a.key"));
  }
}
