package io.switchboard.plugins.ailocal;

import static io.switchboard.testkit.StepTester.interaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.Interaction;
import io.switchboard.testkit.StepConfigException;
import io.switchboard.testkit.StepTester;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ai.sentiment step, configured and run the way the hub runs it in a tenant's workflow. */
class SentimentStepTest {

  private final StepTester<SentimentConfig> step = StepTester.of(new SentimentStepFactory());

  @Test
  void writesTheSignalThePipelineWritesToday() throws Exception {
    step.configure();

    // vaderSentiment 3.3.2 scores this {'neg': 0.0, 'neu': 0.254, 'pos': 0.746, 'compound': 0.8316}.
    Map<String, Object> signals = step.run("VADER is smart, handsome, and funny.");

    assertThat(signals).containsExactly(Map.entry("sentiment", Map.of(
        "compound", 0.8316, "positive", 0.746, "neutral", 0.254, "negative", 0.0, "label", "positive")));
    assertThat(((Map<?, ?>) step.run("This is the worst service ever, I am furious").get("sentiment")).get("label"))
        .isEqualTo("negative");
    assertThat(step.run("")).containsEntry("sentiment", Map.of(
        "compound", 0.0, "positive", 0.0, "neutral", 0.0, "negative", 0.0, "label", "neutral"));
  }

  @Test
  void thresholdsMoveTheLabels() throws Exception {
    // compound 0.4404 ("good")
    step.configure(Map.of("positiveThreshold", 0.5, "negativeThreshold", -0.5));
    assertThat(label(step.run("It is good"))).isEqualTo("neutral");
    step.configure(Map.of("positiveThreshold", 0.4));
    assertThat(label(step.run("It is good"))).isEqualTo("positive");
  }

  @Test
  void batchesGiveEachInteractionItsOwnSignal() throws Exception {
    step.configure();
    List<Interaction> batch = List.of(
        interaction().text("I love it").build(),
        interaction().text("I hate it").build(),
        interaction().text("It is a phone").build());

    List<Map<String, Object>> signals = step.runBatch(batch);

    assertThat(signals).extracting(SentimentStepTest::label).containsExactly("positive", "negative", "neutral");
    assertThat(signals.get(1)).isEqualTo(step.run(batch.get(1)));
  }

  @Test
  void configErrorsNameTheField() {
    assertThatThrownBy(() -> step.configure(Map.of("threshold", 0.1)))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.sentiment': unknown field 'threshold'; known fields: negativeThreshold, positiveThreshold");
    assertThatThrownBy(() -> step.configure(Map.of("positiveThreshold", -0.2)))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.sentiment': negativeThreshold (-0.05) must be below positiveThreshold (-0.2)");
    assertThatThrownBy(() -> step.configure(Map.of("positiveThreshold", 2)))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.sentiment': positiveThreshold: must be in (-1, 1], got 2.0");
    assertThatThrownBy(() -> step.configure(Map.of("negativeThreshold", "low")))
        .isInstanceOf(StepConfigException.class)
        .hasMessageStartingWith("step 'ai.sentiment': field 'negativeThreshold' must be");
  }

  private static Object label(Map<String, Object> signals) {
    return ((Map<?, ?>) signals.get("sentiment")).get("label");
  }
}
