package io.switchboard.testkit;

import static io.switchboard.testkit.StepTester.interaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import io.switchboard.testkit.TinySteps.ConstantStepFactory;
import io.switchboard.testkit.TinySteps.HangingStepFactory;
import io.switchboard.testkit.TinySteps.LengthConfig;
import io.switchboard.testkit.TinySteps.LengthStepFactory;
import io.switchboard.testkit.TinySteps.ObjectStepFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StepTesterTest {

  @Test
  void runsTheConfiguredStepAndReturnsItsSignals() throws Exception {
    StepTester<LengthConfig> step = StepTester.of(new LengthStepFactory())
        .configure(Map.of("signal", "chars", "rules", List.of(Map.of("match", "refund", "tag", "billing"))));

    Map<String, Object> signals = step.run(interaction().channel("sms").from("+15551230001").text("I want a refund"));

    assertThat(signals).containsExactly(
        Map.entry("chars", 15), Map.entry("dryRun", false), Map.entry("tags", List.of("billing")));
    assertThat(step.config()).isEqualTo(new LengthConfig("chars", 0, List.of(new TinySteps.Rule("refund", "billing")), null));
  }

  @Test
  void bindsJsonAndAppliesTheConfigTypesDefaults() throws Exception {
    StepTester<LengthConfig> step = StepTester.of(new LengthStepFactory()).configure("{\"min\": 2}");
    assertThat(step.config()).isEqualTo(new LengthConfig("length", 2, List.of(), null));
    assertThat(step.run("hello")).containsEntry("length", 5);
  }

  @Test
  void unknownFieldFailsNamingTheFieldAndTheKnownOnes() {
    StepConfigException e = catchThrowableOfType(StepConfigException.class,
        () -> StepTester.of(new LengthStepFactory()).configure(Map.of("signall", "x")));

    assertThat(e.step()).isEqualTo("tiny.length");
    assertThat(e.field()).isEqualTo("signall");
    assertThat(e).hasMessage("step 'tiny.length': unknown field 'signall'; known fields: min, rules, signal, within");
  }

  @Test
  void nestedUnknownFieldIsNamedByItsPath() {
    StepConfigException e = catchThrowableOfType(StepConfigException.class,
        () -> StepTester.of(new LengthStepFactory()).configure(
            "{\"rules\": [{\"match\": \"a\", \"tag\": \"b\"}, {\"match\": \"c\", \"tga\": \"d\"}]}"));

    assertThat(e.field()).isEqualTo("rules[1].tga");
    assertThat(e).hasMessageStartingWith("step 'tiny.length': unknown field 'rules[1].tga'; known fields: match, tag");
  }

  @Test
  void wrongTypesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> StepTester.of(new LengthStepFactory()).configure(Map.of("rules", Map.of("match", "x"))))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'tiny.length': field 'rules' must be a list, got a map");
    assertThatThrownBy(() -> StepTester.of(new LengthStepFactory()).configure(Map.of("min", "many")))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'tiny.length': field 'min' must be an integer, got 'many'");
    assertThatThrownBy(() -> StepTester.of(new LengthStepFactory()).configure(Map.of("within", "soon")))
        .isInstanceOf(StepConfigException.class)
        .hasMessageStartingWith("step 'tiny.length': field 'within'");
    assertThatThrownBy(() -> StepTester.of(new LengthStepFactory()).configure("[1, 2]"))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'tiny.length': the configuration must be an object of fields, got a list");
  }

  @Test
  void bindsLikeTheHubIncludingJavaTime() {
    // The hub's workflow compiler applies Jackson's scalar coercions and JavaTimeModule; so does the kit.
    StepTester<LengthConfig> step = StepTester.of(new LengthStepFactory()).configure(Map.of("min", "5", "within", "PT30S"));
    assertThat(step.config().min()).isEqualTo(5);
    assertThat(step.config().within()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void duplicateKeysAreErrors() {
    StepConfigException e = catchThrowableOfType(StepConfigException.class,
        () -> StepTester.of(new LengthStepFactory()).configure("{\"signal\": \"a\",\n \"signal\": \"b\"}"));
    assertThat(e.field()).isEqualTo("signal");
    assertThat(e).hasMessageStartingWith("step 'tiny.length': duplicate field 'signal' (line 2");
  }

  @Test
  void createsIllegalArgumentBecomesAConfigErrorOfTheStep() {
    assertThatThrownBy(() -> StepTester.of(new LengthStepFactory()).configure(Map.of("min", -1)))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'tiny.length': min must be 0 or more, got -1");
  }

  @Test
  void stepsWithoutConfigurationRefuseFields() throws Exception {
    assertThat(StepTester.of(new ConstantStepFactory()).configure().run("x")).containsExactly(Map.entry("constant", 42));
    assertThatThrownBy(() -> StepTester.of(new ConstantStepFactory()).configure(Map.of("level", 3)))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'tiny.constant': takes no configuration; remove 'level'");
  }

  @Test
  void aHangingStepTimesOutAndIsInterrupted() throws Exception {
    HangingStepFactory hanging = new HangingStepFactory();
    StepTester<Void> step = StepTester.of(hanging).configure().timeout(Duration.ofMillis(200));

    long start = System.nanoTime();
    StepTimeoutException e = catchThrowableOfType(StepTimeoutException.class, () -> step.run("anything"));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(e).hasMessageStartingWith("step 'tiny.hang' did not finish within 200 ms; it was interrupted");
    assertThat(e.timeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(tookMs).isLessThan(5_000);
    assertThat(hanging.interrupted.await(5, TimeUnit.SECONDS)).as("the step's thread was interrupted").isTrue();
  }

  @Test
  void whatTheStepThrowsReachesTheTest() throws Exception {
    StepTester<LengthConfig> step = StepTester.of(new LengthStepFactory()).configure(Map.of("min", 10));
    assertThatThrownBy(() -> step.run("short"))
        .isInstanceOf(IllegalStateException.class).hasMessage("text shorter than 10");
  }

  @Test
  void dryRunAndEarlierSignalsReachTheStep() throws Exception {
    StepTester<LengthConfig> step = StepTester.of(new LengthStepFactory()).configure()
        .dryRun(true)
        .signals(Map.of("previous", "x"));

    Map<String, Object> signals = step.run("hi");

    assertThat(signals).containsEntry("dryRun", true).containsEntry("sawPrevious", true);
    assertThat(signals.keySet()).containsExactly("previous", "length", "dryRun", "sawPrevious");
  }

  @Test
  void signalsMustBeJson() throws Exception {
    assertThat(StepTester.of(new ObjectStepFactory(Map.of("a", List.of(1, "b", true)))).configure().run("x"))
        .containsEntry("value", Map.of("a", List.of(1, "b", true)));

    assertThatThrownBy(() -> StepTester.of(new ObjectStepFactory(Map.of("at", java.time.Instant.EPOCH))).configure().run("x"))
        .isInstanceOf(ContractViolation.class)
        .hasMessageContaining("signal 'value.at' is a java.time.Instant");
    assertThatThrownBy(() -> StepTester.of(new ObjectStepFactory(Double.NaN)).configure().run("x"))
        .isInstanceOf(ContractViolation.class).hasMessageContaining("JSON cannot hold");
  }

  @Test
  void factoriesThatBreakTheApiAreRefused() {
    StepFactory<Void> badName = new StepFactory<>() {
      @Override
      public String name() {
        return "Tiny Step";
      }

      @Override
      public Class<Void> configType() {
        return Void.class;
      }

      @Override
      public Step create(Void config) {
        return e -> {};
      }
    };
    assertThatThrownBy(() -> StepTester.of(badName)).isInstanceOf(ContractViolation.class)
        .hasMessageContaining("'Tiny Step'").hasMessageContaining("lower-case and dot-separated");
    assertThatThrownBy(() -> StepTester.of(new ConstantStepFactory()).run("x"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("configure");
  }
}
