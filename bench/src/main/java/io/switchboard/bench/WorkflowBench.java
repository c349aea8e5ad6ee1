package io.switchboard.bench;

import io.switchboard.api.Contact;
import io.switchboard.api.Interaction;
import io.switchboard.runtime.plugin.PluginCatalog;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantLoader;
import io.switchboard.runtime.workflow.CompiledWorkflow;
import io.switchboard.runtime.workflow.RouteTemplates;
import io.switchboard.runtime.workflow.StepRunner;
import io.switchboard.runtime.workflow.TenantWorkflows;
import io.switchboard.runtime.workflow.WorkflowCompiler;
import io.switchboard.runtime.workflow.WorkflowItem;
import io.switchboard.runtime.workflow.WorkflowNode;
import io.switchboard.runtime.workflow.builtin.BuiltinSteps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The workflow engine on its own (no HTTP, Kafka or PostgreSQL): how long a tenant's reload takes
 * (parse, validate, compile, swap the Camel route), and how many interactions a second go through
 * tenant routes with 1 tenant loaded against 100, next to the same nodes run without Camel (the
 * baseline: what the route itself costs). Prints figures; asserts nothing.
 *
 * <pre>mvn -B -q -pl bench exec:java -Dexec.mainClass=io.switchboard.bench.WorkflowBench</pre>
 */
public final class WorkflowBench {

  private static final String WORKFLOW = """
      workflow:
        steps:
          - step: ai.sentiment
          - step: set
            config:
              signals:
                refund: "interaction.text.lowerAscii().contains('refund')"
                priority: "signals.sentiment.compound <= -0.5 ? 'high' : 'normal'"
          - id: spam
            stop: {reason: spam}
            when: "interaction.text.startsWith('WIN')"
          - id: triage
            choice:
              when:
                - condition: "signals.sentiment.label == 'negative'"
                  steps: [{step: tag, config: {tags: [unhappy, %s]}}]
                - condition: "signals.refund"
                  steps: [{step: tag, config: {tags: [refund]}}]
              otherwise: [{step: tag, config: {tags: [general]}}]
      """;

  private static final String[] TEXTS = {
      "Thanks, the new plan is great!", "This is terrible, I want a refund", "What are your opening hours?",
      "My order never arrived and nobody answers", "Can I get a refund for the second box?", "WIN a free cruise now"};

  public static void main(String[] args) throws Exception {
    Machine m = Machine.describe();
    System.out.println("WorkflowBench on " + m.oneLine());
    Path dir = Files.createTempDirectory("workflow-bench");
    PluginCatalog none = new PluginCatalog() {
      public Optional<PluginStatus> plugin(String id) {
        return Optional.empty();
      }

      public Optional<ProvidedStep> step(String name) {
        return Optional.empty();
      }

      public List<ProvidedStep> steps() {
        return List.of();
      }
    };
    try (DefaultCamelContext camel = new DefaultCamelContext();
        StepRunner runner = new StepRunner(1, Duration.ZERO, Duration.ofSeconds(10))) {
      camel.start();
      WorkflowCompiler compiler = new WorkflowCompiler(none, new BuiltinSteps(), runner, new RouteTemplates(() -> camel));
      TenantWorkflows workflows = new TenantWorkflows(camel);
      TenantLoader loader = new TenantLoader(Map.of());

      CompiledWorkflow first = compiler.compile(tenant(dir, loader, "t000", "v0"));
      workflows.install(first);
      double single = throughput("1 tenant loaded, batches of 100 to it", workflows, List.of("t000"), 100);

      // reload: a changed file parsed, validated, compiled and swapped in, 200 times
      long[] reload = new long[200];
      for (int i = 0; i < reload.length; i++) {
        long t0 = System.nanoTime();
        workflows.install(compiler.compile(tenant(dir, loader, "t000", "v" + (i + 1))));
        reload[i] = System.nanoTime() - t0;
      }
      Arrays.sort(reload);
      System.out.printf("reload (parse + validate + compile + swap the route), 200 times: median %.2f ms, p90 %.2f ms, "
          + "max %.2f ms%n", reload[100] / 1e6, reload[180] / 1e6, reload[199] / 1e6);

      List<String> ids = new ArrayList<>();
      for (int t = 0; t < 100; t++) {
        String id = String.format("t%03d", t);
        ids.add(id);
        if (t > 0) {
          workflows.install(compiler.compile(tenant(dir, loader, id, "v0")));
        }
      }
      System.out.println("routes in the Camel context: " + camel.getRoutes().size());
      double hundred = throughput("100 tenants loaded, batches of 100 to each in turn", workflows, ids, 100);
      double mixed = throughput("100 tenants loaded, batches of 10 to each in turn", workflows, ids, 10);

      // baseline: the same nodes without Camel
      List<WorkflowNode> nodes = first.nodesFor("sms");
      long n = 0;
      long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      long t0 = System.nanoTime();
      while (System.nanoTime() < end) {
        WorkflowNode.runAll(nodes, items("t000", 100), false);
        n += 100;
      }
      double base = n / ((System.nanoTime() - t0) / 1e9);
      System.out.printf("baseline: the same nodes called directly, no route: %.0f interactions/s%n", base);
      System.out.printf("summary: 1 tenant %.0f/s, 100 tenants %.0f/s (%.0f%% of 1), batches of 10 %.0f/s; "
          + "route overhead vs direct %.1f%%%n", single, hundred, 100 * hundred / single, mixed, 100 * (1 - single / base));
      workflows.close();
    }
  }

  private static Tenant tenant(Path dir, TenantLoader loader, String id, String version) throws Exception {
    Path f = dir.resolve(id + ".yaml");
    Files.writeString(f, "id: " + id + "\n" + WORKFLOW.formatted(version));
    TenantLoader.Result r = loader.load(f);
    if (!r.ok()) {
      throw new IllegalStateException(r.problems().toString());
    }
    return r.tenant();
  }

  private static double throughput(String label, TenantWorkflows workflows, List<String> tenants, int batch)
      throws Exception {
    // warm-up, then 10 s measured
    for (long end = System.nanoTime() + Duration.ofSeconds(5).toNanos(), i = 0; System.nanoTime() < end; i++) {
      String t = tenants.get((int) (i % tenants.size()));
      workflows.run(t, items(t, batch), false);
    }
    long n = 0;
    long t0 = System.nanoTime();
    long end = t0 + Duration.ofSeconds(10).toNanos();
    for (long i = 0; System.nanoTime() < end; i++) {
      String t = tenants.get((int) (i % tenants.size()));
      workflows.run(t, items(t, batch), false);
      n += batch;
    }
    double rate = n / ((System.nanoTime() - t0) / 1e9);
    System.out.printf("%s: %.0f interactions/s%n", label, rate);
    return rate;
  }

  private static List<WorkflowItem> items(String tenant, int n) {
    List<WorkflowItem> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      UUID contact = UUID.randomUUID();
      Interaction in = new Interaction(UUID.randomUUID(), tenant, "sms", "inbound", contact, UUID.randomUUID(),
          "+15551230001", "+15550006000", TEXTS[i % TEXTS.length], Instant.now(), Map.of());
      out.add(new WorkflowItem(in, new Contact(contact, "+15551230001", null, null, Map.of()), "twilio",
          Map.of("id", tenant, "plan", "standard"), Map.of()));
    }
    return out;
  }
}
