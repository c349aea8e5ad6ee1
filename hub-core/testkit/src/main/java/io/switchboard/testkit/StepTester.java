package io.switchboard.testkit;

import io.switchboard.api.Interaction;
import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import io.switchboard.pluginloader.PluginCalls;
import io.switchboard.pluginloader.StepConfigBinder;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Configures a {@link StepFactory}'s step the way the hub does for a tenant's workflow and runs it
 * on interactions, returning the signals it recorded.
 *
 * <pre>{@code
 * StepTester<KeywordsConfig> step = StepTester.of(new KeywordsStepFactory())
 *     .configure(Map.of("keywords", List.of("refund", "cancel")));
 * Map<String, Object> signals = step.run(StepTester.interaction().text("I want a refund"));
 * }</pre>
 *
 * <p>{@link #configure} binds strictly with the hub's own {@link StepConfigBinder} and then calls
 * {@link StepFactory#create}; both fail with a {@link StepConfigException} naming the field. Each
 * {@link #run} happens on a fresh thread, with the factory's class loader as context class loader,
 * and is interrupted at the {@link #timeout}, like one attempt in the hub's step runner (the hub then
 * retries; the tester reports the first failure). Not thread-safe: configure, then run.
 */
public final class StepTester<C> {

  /** The hub's default step timeout ({@code switchboard.pipeline.step-timeout-ms}). */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** The hub's rule for step names in tenant files: lower-case words separated by dots. */
  static final Pattern STEP_NAME = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");

  private final StepFactory<C> factory;
  private Step step;
  private C config;
  private Duration timeout = DEFAULT_TIMEOUT;
  private boolean dryRun;
  private Map<String, Object> earlierSignals = Map.of();
  private java.util.List<Map<String, Object>> lastActions = java.util.List.of();

  private StepTester(StepFactory<C> factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
    String name = factory.name();
    if (name == null || !STEP_NAME.matcher(name).matches()) {
      throw new ContractViolation(factory.getClass().getName() + ".name() is '" + name
          + "'; step names are lower-case and dot-separated, e.g. ai.sentiment");
    }
    if (factory.configType() == null) {
      throw new ContractViolation("step '" + name + "': configType() returned null; use Void.class for no configuration");
    }
  }

  public static <C> StepTester<C> of(StepFactory<C> factory) {
    return new StepTester<>(factory);
  }

  /** A builder for the interaction to run the step on. */
  public static InteractionBuilder interaction() {
    return new InteractionBuilder();
  }

  /** The step's name. */
  public String name() {
    return factory.name();
  }

  /**
   * Configures the step from a map, as the hub reads it from the tenant's workflow YAML.
   *
   * @throws StepConfigException when the hub would refuse the configuration
   */
  public StepTester<C> configure(Map<String, ?> config) {
    return create(bound(() -> StepConfigBinder.bind(factory, config)));
  }

  /**
   * Configures the step from JSON text (duplicate keys are errors, as in the hub's YAML).
   *
   * @throws StepConfigException when the hub would refuse the configuration
   */
  public StepTester<C> configure(String json) {
    return create(bound(() -> StepConfigBinder.bind(factory, json)));
  }

  /** Configures the step with a config object built in code, skipping the binding. */
  public StepTester<C> configureWith(C config) {
    return create(config);
  }

  /** Configures a step that takes no configuration ({@code Void}) or only defaults. */
  public StepTester<C> configure() {
    return configure(Map.of());
  }

  /** The bound configuration of the last {@link #configure}. */
  public C config() {
    return config;
  }

  /** The step timeout; a run past it is interrupted and fails with {@link StepTimeoutException}. */
  public StepTester<C> timeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    }
    this.timeout = timeout;
    return this;
  }

  /** Whether runs are dry runs ({@code StepExecution.dryRun()}): compute, cause no side effects. */
  public StepTester<C> dryRun(boolean dryRun) {
    this.dryRun = dryRun;
    return this;
  }

  /** Signals that earlier steps of the workflow set, visible to the step through {@code signals()}. */
  public StepTester<C> signals(Map<String, ?> earlier) {
    earlier.forEach(RecordingStepExecution::checkJson);
    this.earlierSignals = new LinkedHashMap<>(earlier);
    return this;
  }

  /** Runs the step on the interaction the builder describes. */
  public Map<String, Object> run(InteractionBuilder interaction) throws Exception {
    return run(interaction.build());
  }

  /** Runs the step on an interaction whose text is {@code text} (the builder's other defaults). */
  public Map<String, Object> run(String text) throws Exception {
    return run(interaction().text(text));
  }

  /**
   * Runs the configured step once.
   *
   * @return every signal after the run, in the order set: the earlier ones given to
   *     {@link #signals}, then the step's
   * @throws StepTimeoutException when the step ran past the timeout
   * @throws Exception whatever the step threw (the hub would retry, then dead-letter)
   */
  public Map<String, Object> run(Interaction interaction) throws Exception {
    RecordingStepExecution execution = new RecordingStepExecution(interaction, earlierSignals, dryRun);
    call(() -> step.run(execution));
    lastActions = execution.actions();
    return execution.snapshot();
  }

  /**
   * Runs the configured step once over several interactions, through {@link Step#runBatch}, as the
   * hub does with the interactions of one tenant that arrive together.
   *
   * @return each interaction's signals after the run, in the order given
   * @throws StepTimeoutException when the batch ran past the timeout
   * @throws Exception whatever the step threw
   */
  public java.util.List<Map<String, Object>> runBatch(java.util.List<Interaction> interactions) throws Exception {
    if (interactions.isEmpty()) {
      throw new IllegalArgumentException("the hub never runs a step on an empty batch");
    }
    java.util.List<RecordingStepExecution> executions = interactions.stream()
        .map(i -> new RecordingStepExecution(i, earlierSignals, dryRun)).toList();
    call(() -> step.runBatch(executions));
    lastActions = executions.stream().flatMap(e -> e.actions().stream()).toList();
    return executions.stream().map(RecordingStepExecution::snapshot).toList();
  }

  /**
   * The actions ({@code StepExecution.requestAction}) the last run requested, in order, each a map
   * {@code {type, payload}}; for a batch, those of every interaction in turn.
   */
  public java.util.List<Map<String, Object>> actions() {
    return lastActions;
  }

  /** A step invocation, on its own thread with the factory's class loader, cut at the timeout. */
  @FunctionalInterface
  private interface Invocation {
    void run() throws Exception;
  }

  private void call(Invocation invocation) throws Exception {
    if (step == null) {
      throw new IllegalStateException("step '" + name() + "' is not configured; call configure(...) first");
    }
    ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "step-" + name());
      // A step that ignores interruption must not keep the test JVM alive.
      t.setDaemon(true);
      return t;
    });
    try {
      Future<?> run = thread.submit(() -> PluginCalls.call(factory, () -> {
        invocation.run();
        return null;
      }));
      try {
        run.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        run.cancel(true);
        throw new StepTimeoutException(name(), timeout);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception ex) {
          throw ex;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw e;
      }
    } finally {
      thread.shutdownNow();
    }
  }

  /** Runs the hub's binder, throwing the kit's {@link StepConfigException} for the hub's. */
  private static <C> C bound(Supplier<C> binding) {
    try {
      return binding.get();
    } catch (io.switchboard.pluginloader.StepConfigException e) {
      throw StepConfigException.of(e);
    }
  }

  private StepTester<C> create(C config) {
    Step created;
    try {
      created = PluginCalls.call(factory, () -> factory.create(config));
    } catch (StepConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new StepConfigException(name(), null, e.getMessage(), e);
    }
    if (created == null) {
      throw new ContractViolation("step '" + name() + "': create returned null");
    }
    this.config = config;
    this.step = created;
    return this;
  }
}
