package io.switchboard.runtime.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoringModelsTest {

  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  static Inputs message(double compound, List<String> tags, Map<String, Object> attrs, Activity a) {
    return new Inputs("sms", Map.of("sentiment", Map.of("compound", compound), "tags", tags), attrs, a, NOW);
  }

  static HealthScoring health() {
    return ScoreSteps.Health.model(null);
  }

  @Test
  void healthFactorsAddUpToTheScoreAndMissingDataIsLeftOut() {
    Score s = health().compute(message(0.8, List.of(), Map.of(), Activity.NONE));
    // sentiment (0.8+1)/2 x 30, recency 1 x 20, support 1 x 20; no billing, no nps: over 70
    assertThat(s.score()).isEqualTo((int) Math.round(100 * (0.9 * 30 + 20 + 20) / 70.0));
    assertThat(s.level()).isEqualTo("healthy");
    assertThat(s.factors()).extracting(Factor::name).containsExactly("sentiment", "recency", "support");
    assertThat(s.factors().stream().mapToDouble(Factor::points).sum()).isCloseTo(s.score(), offset(0.5));
  }

  @Test
  void paymentTroubleAndSupportLoadPullHealthDown() {
    Activity busy = new Activity(3, 6, NOW.minus(1, ChronoUnit.DAYS), -0.5, -0.4, 4, null, 60, "at_risk");
    Score s = health().compute(message(-0.6, List.of("support"),
        Map.of("billing", Map.of("status", "past_due", "failedPayments", 2), "nps", Map.of("score", 3)), busy));
    assertThat(s.level()).isEqualTo("critical");
    assertThat(s.factors()).extracting(Factor::name).containsExactly("sentiment", "recency", "support", "payment", "nps");
    Factor support = s.factors().get(2);
    assertThat(support.input()).isEqualTo(5);
    assertThat(support.points()).isZero();
    assertThat(s.factors().get(3).input()).isEqualTo("past_due, 2 failed");
  }

  @Test
  void quietContactsLoseHealthWithTime() {
    Activity quiet = new Activity(0, 0, NOW.minus(28, ChronoUnit.DAYS), null, 0.5, 0, null, null, null);
    Score scheduled = health().compute(new Inputs(null, Map.of(), Map.of(), quiet, NOW));
    Factor recency = scheduled.factors().stream().filter(f -> f.name().equals("recency")).findFirst().orElseThrow();
    assertThat(recency.input()).isEqualTo(28.0);
    // two half-lives of 14 days: a quarter of the recency weight's share
    assertThat(recency.points()).isCloseTo(100 * 20 * 0.25 / 70, offset(0.01));
  }

  @Test
  void levelThresholdsAndAlertsComeFromTheConfig() {
    HealthScoring h = new HealthScoring(new HealthScoring.Config(null, new HealthScoring.Levels(80, 50), null, null,
        List.of(new HealthScoring.Alert(List.of("critical"), "https://example.com/a", "s"))));
    assertThat(h.level(80)).isEqualTo("healthy");
    assertThat(h.level(79)).isEqualTo("at_risk");
    assertThat(h.level(49)).isEqualTo("critical");
    assertThat(h.alertsFor("critical")).hasSize(1);
    assertThat(h.alertsFor("at_risk")).isEmpty();
    assertThatThrownBy(() -> new HealthScoring(new HealthScoring.Config(null, new HealthScoring.Levels(40, 70), null, null, null)))
        .hasMessageContaining("levels.atRisk");
    assertThatThrownBy(() -> new HealthScoring(new HealthScoring.Config(null, null, null, null,
        List.of(new HealthScoring.Alert(List.of("doomed"), "https://x", "s"))))).hasMessageContaining("'doomed'");
  }

  @Test
  void leadScoreWeighsSourceIntentSentimentEngagementAndFields() {
    LeadScoring lead = new LeadScoring(new LeadScoring.Config(10.0, Map.of("whatsapp", 10.0), Map.of("pricing", 30.0, "cancel", -20.0),
        10.0, null, null, List.of(new LeadScoring.FieldRule("crm.stage", "opportunity", 15.0))));
    Activity a = new Activity(1, 4, NOW.minus(2, ChronoUnit.DAYS), null, null, 0, 40, null, null);
    Score s = lead.compute(new Inputs("whatsapp", Map.of("intent", Map.of("name", "pricing"), "sentiment", Map.of("compound", 0.5)),
        Map.of("crm", Map.of("stage", "opportunity")), a, NOW));
    // 10 + 10 + 30 + 5 + recency 20 + frequency 25 x 5/10 + 15
    assertThat(s.score()).isEqualTo(100);
    assertThat(s.factors()).extracting(Factor::name)
        .containsExactly("base", "source", "intent", "sentiment", "recency", "frequency", "field:crm.stage");
    Score cancel = lead.compute(new Inputs("sms", Map.of("intent", Map.of("name", "cancel")), Map.of(), Activity.NONE, NOW));
    // 10 - 20 + 20 + 2.5
    assertThat(cancel.score()).isEqualTo(13);
    assertThat(cancel.kind()).isEqualTo("lead");
    assertThat(cancel.level()).isNull();
  }

  @Test
  void scoresSurviveTheirSignal() {
    Score s = health().compute(message(0.2, List.of(), Map.of(), Activity.NONE));
    Score back = Score.fromSignal("health", s.asSignal());
    assertThat(back.score()).isEqualTo(s.score());
    assertThat(back.level()).isEqualTo(s.level());
    assertThat(back.factors()).hasSize(s.factors().size());
    assertThat(Score.fromSignal("health", "not a score")).isNull();
  }

  @Test
  void activityRoundTripsThroughContactAttributes() {
    Activity a = new Activity(2, 5, NOW.minus(3, ChronoUnit.DAYS), 0.25, -0.1, 1, 55, 72, "healthy");
    Map<String, Object> attrs = Map.of("activity", a.asAttributes(NOW), "scores", a.scoresAsAttributes());
    assertThat(Activity.fromAttributes(attrs)).isEqualTo(a);
    assertThat(Activity.fromAttributes(Map.of())).isEqualTo(Activity.NONE);
  }

  @Test
  void surveyAnswersAreNumbersFromZeroToTen() {
    assertThat(Surveys.parseAnswer("9")).contains(9);
    assertThat(Surveys.parseAnswer(" 10/10 ")).contains(10);
    assertThat(Surveys.parseAnswer("8 out of 10")).contains(8);
    assertThat(Surveys.parseAnswer("0")).contains(0);
    assertThat(Surveys.parseAnswer("9 - quick and friendly")).contains(9);
    assertThat(Surveys.parseAnswer("7.")).contains(7);
    assertThat(Surveys.parseAnswer("11")).isEmpty();
    assertThat(Surveys.parseAnswer("7.5")).isEmpty();
    assertThat(Surveys.parseAnswer("100")).isEmpty();
    assertThat(Surveys.parseAnswer("great")).isEmpty();
    assertThat(Surveys.parseAnswer("where is my order 123")).isEmpty();
    assertThat(Surveys.category(9)).isEqualTo("promoter");
    assertThat(Surveys.category(7)).isEqualTo("passive");
    assertThat(Surveys.category(6)).isEqualTo("detractor");
  }
}
