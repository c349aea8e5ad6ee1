package io.switchboard.runtime.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpressionsTest {

  private static Map<String, Object> vars(Map<String, Object> signals) {
    return Map.of("interaction", Expressions.celValue(Map.of("channel", "sms", "text", "I want a REFUND")),
        "contact", Expressions.celValue(Map.of("attributes", Map.of("tags", List.of("vip")))),
        "signals", Expressions.celValue(signals),
        "scores", Expressions.celValue(Map.of("lead", 72.5)),
        "tenant", Map.of("id", "acme", "plan", "enterprise"));
  }

  @Test
  void conditionsReadSignalsContactScoresAndTheInteraction() throws Exception {
    Map<String, Object> signals = Map.of("sentiment", Map.of("compound", -0.61, "label", "negative"), "count", 3);
    assertThat(Expressions.condition("signals.sentiment.label == 'negative' && signals.sentiment.compound < -0.5")
        .test(vars(signals))).isTrue();
    assertThat(Expressions.condition("scores.lead > 70").test(vars(signals))).isTrue();
    assertThat(Expressions.condition("signals.count >= 3").test(vars(signals))).isTrue();
    assertThat(Expressions.condition("'vip' in contact.attributes.tags").test(vars(signals))).isTrue();
    assertThat(Expressions.condition("interaction.text.lowerAscii().contains('refund')").test(vars(signals))).isTrue();
    assertThat(Expressions.condition("has(signals.intent) && signals.intent.name == 'refund'").test(vars(signals))).isFalse();
    assertThat(Expressions.condition("tenant.plan == 'enterprise'").test(vars(signals))).isTrue();
  }

  @Test
  void aMissingFieldIsAnEvaluationErrorNotAnAnswer() throws Exception {
    var c = Expressions.condition("signals.intent.name == 'refund'");
    assertThatThrownBy(() -> c.test(vars(Map.of()))).isInstanceOf(Expressions.EvaluationException.class)
        .hasMessageContaining("intent");
  }

  @Test
  void syntaxErrorsSayWhere() {
    assertThatThrownBy(() -> Expressions.condition("signals.sentiment.label == "))
        .isInstanceOf(Expressions.InvalidExpressionException.class)
        .hasMessageContaining("is not a valid CEL expression at character");
  }

  @Test
  void unknownVariablesNameTheOnesThereAre() {
    assertThatThrownBy(() -> Expressions.condition("signal.sentiment == 'x'"))
        .hasMessageContaining("undeclared reference to 'signal'")
        .hasMessageContaining("interaction, contact, signals, scores, tenant");
  }

  @Test
  void aConditionMustBeTrueOrFalse() {
    assertThatThrownBy(() -> Expressions.condition("'text'")).hasMessageContaining("is not a condition");
    assertThatThrownBy(() -> Expressions.condition("1 + 2")).hasMessageContaining("is not a condition");
  }

  @Test
  void noJavaNoFilesNoNetwork() {
    // CEL has no reflection, no object construction and no I/O functions to call.
    assertThatThrownBy(() -> Expressions.value("java.lang.System.exit(1)")).isInstanceOf(Expressions.InvalidExpressionException.class);
    assertThatThrownBy(() -> Expressions.value("file('/etc/passwd')")).isInstanceOf(Expressions.InvalidExpressionException.class);
  }

  @Test
  void valuesOfAnyType() throws Exception {
    assertThat(Expressions.value("signals.count * 2").evaluate(vars(Map.of("count", 3)))).isEqualTo(6L);
    assertThat(Expressions.value("signals.count > 2 ? 'high' : 'low'").evaluate(vars(Map.of("count", 3)))).isEqualTo("high");
  }
}
