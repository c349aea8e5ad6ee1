package io.switchboard.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.runtime.plugin.PluginCatalog;
import io.switchboard.runtime.tenant.TenantLoader;
import io.switchboard.runtime.workflow.builtin.BuiltinSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workflows as Camel routes: one route per tenant, a processor per node, atomic swaps. */
class TenantWorkflowsTest {

  @TempDir
  Path dir;

  private final PluginCatalog none = new PluginCatalog() {
    @Override
    public Optional<PluginStatus> plugin(String id) {
      return Optional.empty();
    }

    @Override
    public Optional<ProvidedStep> step(String name) {
      return Optional.empty();
    }

    @Override
    public List<ProvidedStep> steps() {
      return List.of();
    }
  };

  private final DefaultCamelContext camel = new DefaultCamelContext();
  private final StepRunner runner = new StepRunner(1, Duration.ZERO, Duration.ofSeconds(5));
  private WorkflowCompiler compiler;
  private TenantWorkflows workflows;

  @BeforeEach
  void start() {
    camel.start();
    compiler = new WorkflowCompiler(none, new BuiltinSteps(), runner, new RouteTemplates(() -> camel));
    workflows = new TenantWorkflows(camel);
  }

  @AfterEach
  void stop() throws Exception {
    workflows.close();
    runner.close();
    camel.close();
  }

  private CompiledWorkflow compile(String id, String yaml) throws Exception {
    Path f = dir.resolve(id + ".yaml");
    Files.writeString(f, "id: " + id + "\n" + yaml);
    TenantLoader.Result r = new TenantLoader(Map.of()).load(f);
    assertThat(r.problems()).isEmpty();
    return compiler.compile(r.tenant());
  }

  private static String tagging(String tag) {
    return """
        workflow:
          steps:
            - step: tag
              id: mark
              config: {tags: [%s]}
          channels:
            whatsapp:
              steps:
                - step: tag
                  config: {tags: [wa-%s]}
        """.formatted(tag, tag);
  }

  @Test
  void eachTenantIsARouteWithAProcessorPerNode() throws Exception {
    workflows.install(compile("acme", tagging("v1")));
    workflows.install(compile("acme-eu", tagging("eu")));

    assertThat(camel.getRoute("tenant-acme")).isNotNull();
    assertThat(camel.getRoute("tenant-acme-eu")).isNotNull();
    var def = ((org.apache.camel.model.ModelCamelContext) camel).getRouteDefinition("tenant-acme");
    assertThat(org.apache.camel.model.ProcessorDefinitionHelper.filterTypeInOutputs(def.getOutputs(),
        org.apache.camel.model.ProcessDefinition.class)).extracting(org.apache.camel.model.ProcessDefinition::getId)
        .containsExactlyInAnyOrder("tenant-acme.mark", "tenant-acme.whatsapp/0-tag");

    WorkflowItem sms = StepRunnerTest.item("x");
    assertThat(workflows.run("acme", List.of(sms), false)).map(TenantWorkflows.Ran::version).contains(1);
    assertThat(sms.signals().get("tags")).isEqualTo(List.of("v1"));
  }

  @Test
  void aSwapWaitsForTheBatchInFlightWhichFinishesOnTheOldVersion() throws Exception {
    workflows.install(compile("acme", """
        workflow:
          steps:
            - step: set
              config: {signals: {version: "'v1'"}}
        """));
    // a batch that is slow in its only node: hold it inside the route
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WorkflowItem slow = StepRunnerTest.item("x");
    Thread t = new Thread(() -> {
      try {
        workflows.run("acme", List.of(slow), false);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    camel.getRoute("tenant-acme").getProcessor(); // exists
    // wrap: run a batch whose step blocks by using a custom item list consumer
    Thread holder = new Thread(() -> {
      try {
        workflows.runLocked("acme", () -> {
          inside.countDown();
          release.await(10, TimeUnit.SECONDS);
          return null;
        });
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    holder.start();
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
    Thread swapper = new Thread(() -> {
      try {
        workflows.install(compile("acme", """
            workflow:
              steps:
                - step: set
                  config: {signals: {version: "'v2'"}}
            """));
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    swapper.start();
    swapper.join(300);
    assertThat(swapper.isAlive()).as("the swap waits for the batch in flight").isTrue();
    assertThat(workflows.get("acme").orElseThrow().version()).isEqualTo(1);
    release.countDown();
    swapper.join(5_000);
    holder.join(5_000);
    assertThat(workflows.get("acme").orElseThrow().version()).isEqualTo(2);
    t.start();
    t.join(5_000);
    assertThat(slow.signals()).containsEntry("version", "v2");
  }

  @Test
  void perChannelOverridesRunOnTheirOwnBranchOfTheRoute() throws Exception {
    workflows.install(compile("acme", tagging("v1")));
    WorkflowItem sms = StepRunnerTest.item("x");
    WorkflowItem wa = whatsapp();
    workflows.run("acme", List.of(sms, wa), false);
    assertThat(sms.signals().get("tags")).isEqualTo(List.of("v1"));
    assertThat(wa.signals().get("tags")).isEqualTo(List.of("wa-v1"));
  }

  @Test
  void uninstallRemovesTheRoutes() throws Exception {
    workflows.install(compile("acme", tagging("v1")));
    workflows.uninstall("acme");
    assertThat(camel.getRoute("tenant-acme")).isNull();
    assertThat(workflows.run("acme", List.of(StepRunnerTest.item("x")), false)).isEmpty();
  }

  private static WorkflowItem whatsapp() {
    WorkflowItem base = StepRunnerTest.item("x");
    var i = base.interaction();
    var wa = new io.switchboard.api.Interaction(i.id(), i.tenantId(), "whatsapp", "inbound", i.contactId(),
        i.conversationId(), "whatsapp:+15551230001", i.to(), "hola", i.receivedAt(), Map.of());
    return new WorkflowItem(wa, base.contact(), "twilio", Map.of("id", "acme", "plan", "standard"), Map.of());
  }
}
