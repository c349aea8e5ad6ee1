package io.switchboard.plugins.example;

import static io.switchboard.testkit.StepTester.interaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.testkit.StepConfigException;
import io.switchboard.testkit.StepTester;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example.keywords step, configured and run the way the hub runs it in a tenant's workflow. */
class KeywordsStepTest {

  private final StepTester<KeywordsConfig> step = StepTester.of(new KeywordsStepFactory());

  @Test
  void putsTheMatchedKeywordsUnderTheDefaultSignal() throws Exception {
    step.configure(Map.of("keywords", List.of("refund", "cancel", "talk to a human")));

    Map<String, Object> signals = step.run(interaction()
        .channel("sms").from("+15551230001").text("Please CANCEL my order and let me talk to a human."));

    assertThat(signals).containsExactly(Map.entry("keywords", List.of("cancel", "talk to a human")));
  }

  @Test
  void matchesWholeWordsOnly() throws Exception {
    step.configure("{\"keywords\": [\"refund\"], \"signal\": \"billing\"}");

    assertThat(step.run("I was refunded already")).containsEntry("billing", List.of());
    assertThat(step.run("refund, please!")).containsEntry("billing", List.of("refund"));
    assertThat(step.run("¿Refund?")).containsEntry("billing", List.of("refund"));
  }

  @Test
  void dryRunsComputeTheSame() throws Exception {
    step.configure(Map.of("keywords", List.of("refund"))).dryRun(true);
    assertThat(step.run("refund")).containsEntry("keywords", List.of("refund"));
  }

  @Test
  void unknownFieldIsRefusedWithItsName() {
    assertThatThrownBy(() -> step.configure(Map.of("keywords", List.of("refund"), "signals", "x")))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'example.keywords': unknown field 'signals'; known fields: keywords, signal");
  }

  @Test
  void keywordsAreRequiredAndMustBeAList() {
    assertThatThrownBy(() -> step.configure(Map.of()))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'example.keywords': keywords: give at least one keyword to look for");
    assertThatThrownBy(() -> step.configure(Map.of("keywords", "refund")))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'example.keywords': field 'keywords' must be a list, got 'refund'");
    assertThatThrownBy(() -> step.configure("{\"keywords\": [\"refund\", \" \"]}"))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'example.keywords': keywords[1]: must not be blank");
  }
}
