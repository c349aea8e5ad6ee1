package io.switchboard.runtime.scoring;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The customer health score: 0 to 100 from sentiment trend, engagement recency, support load,
 * payment state (from Stripe, under {@code contact.attributes.billing}) and the last NPS answer,
 * and a risk level. Each factor is a value from 0 (bad) to 1 (good) times its weight; factors with
 * no data (a contact who never answered a survey) are left out and the others share their weight,
 * so the points of the factors always add up to the score.
 */
public final class HealthScoring {

  public static final String HEALTHY = "healthy";
  public static final String AT_RISK = "at_risk";
  public static final String CRITICAL = "critical";

  /**
   * @param weights how much each factor counts
   * @param levels the score thresholds of the risk levels
   * @param recencyHalfLifeDays days without an interaction after which engagement counts half
   * @param supportSaturation support interactions in 30 days at which support load counts fully against
   * @param alerts webhooks called when a contact's level changes to one of theirs
   */
  public record Config(
      @JsonProperty("weights") @JsonPropertyDescription("How much each factor counts") Weights weights,
      @JsonProperty("levels") @JsonPropertyDescription("Score thresholds: healthy from 'healthy', at_risk from 'atRisk', critical below") Levels levels,
      @JsonProperty("recencyHalfLifeDays") @JsonPropertyDescription("Days without an interaction after which engagement counts half; default 14") Double recencyHalfLifeDays,
      @JsonProperty("supportSaturation") @JsonPropertyDescription("Support-tagged interactions in 30 days at which support load counts fully against; default 5") Integer supportSaturation,
      @JsonProperty("alerts") @JsonPropertyDescription("Signed webhooks called when a contact's level changes to one of 'levels'") List<Alert> alerts) {
    public Config {
      weights = weights == null ? new Weights(null, null, null, null, null) : weights;
      levels = levels == null ? new Levels(null, null) : levels;
      recencyHalfLifeDays = recencyHalfLifeDays == null ? 14.0 : recencyHalfLifeDays;
      supportSaturation = supportSaturation == null ? 5 : supportSaturation;
      alerts = alerts == null ? List.of() : alerts;
    }
  }

  /** Factor weights; defaults sentiment 30, recency 20, support 20, payment 20, nps 10. */
  public record Weights(
      @JsonProperty("sentiment") @JsonPropertyDescription("Sentiment trend; default 30") Double sentiment,
      @JsonProperty("recency") @JsonPropertyDescription("Engagement recency; default 20") Double recency,
      @JsonProperty("support") @JsonPropertyDescription("Support load (interactions tagged 'support'); default 20") Double support,
      @JsonProperty("payment") @JsonPropertyDescription("Payment state from billing; default 20") Double payment,
      @JsonProperty("nps") @JsonPropertyDescription("Last NPS answer; default 10") Double nps) {
    public Weights {
      sentiment = sentiment == null ? 30.0 : sentiment;
      recency = recency == null ? 20.0 : recency;
      support = support == null ? 20.0 : support;
      payment = payment == null ? 20.0 : payment;
      nps = nps == null ? 10.0 : nps;
    }
  }

  /** @param healthy scores from this are healthy (default 70); @param atRisk from this at risk (default 40), below critical */
  public record Levels(
      @JsonProperty("healthy") @JsonPropertyDescription("Scores from this are healthy; default 70") Integer healthy,
      @JsonProperty("atRisk") @JsonPropertyDescription("Scores from this (and below 'healthy') are at_risk; below it critical; default 40") Integer atRisk) {
    public Levels {
      healthy = healthy == null ? 70 : healthy;
      atRisk = atRisk == null ? 40 : atRisk;
    }
  }

  /**
   * @param levels the levels that raise the alert, e.g. [at_risk, critical]
   * @param url the webhook to call
   * @param secret the name of the tenant secret that signs it (as for notify.webhook)
   */
  public record Alert(
      @JsonProperty(value = "levels", required = true) @JsonPropertyDescription("Levels that raise the alert: healthy, at_risk, critical") List<String> levels,
      @JsonProperty(value = "url", required = true) @JsonPropertyDescription("The webhook called with the health.changed event") String url,
      @JsonProperty(value = "secret", required = true) @JsonPropertyDescription("Name of the tenant secret that signs the call") String secret) {}

  private final Config config;

  public HealthScoring(Config config) {
    Weights w = config.weights();
    for (var e : Map.of("sentiment", w.sentiment(), "recency", w.recency(), "support", w.support(), "payment", w.payment(),
        "nps", w.nps()).entrySet()) {
      if (e.getValue() < 0) {
        throw new IllegalArgumentException("weights." + e.getKey() + " must not be negative");
      }
    }
    if (config.levels().atRisk() > config.levels().healthy()) {
      throw new IllegalArgumentException("levels.atRisk (" + config.levels().atRisk() + ") must not be above levels.healthy ("
          + config.levels().healthy() + ")");
    }
    if (config.recencyHalfLifeDays() <= 0) {
      throw new IllegalArgumentException("recencyHalfLifeDays must be greater than 0");
    }
    if (config.supportSaturation() < 1) {
      throw new IllegalArgumentException("supportSaturation must be at least 1");
    }
    for (int i = 0; i < config.alerts().size(); i++) {
      Alert a = config.alerts().get(i);
      if (a == null || a.levels() == null || a.levels().isEmpty()) {
        throw new IllegalArgumentException("alerts[" + i + "].levels must list at least one of healthy, at_risk, critical");
      }
      for (String l : a.levels()) {
        if (!List.of(HEALTHY, AT_RISK, CRITICAL).contains(l)) {
          throw new IllegalArgumentException("alerts[" + i + "].levels: '" + l + "' is not one of healthy, at_risk, critical");
        }
      }
    }
    this.config = config;
  }

  public Config config() {
    return config;
  }

  /** The alerts raised by a change to {@code level}. */
  public List<Alert> alertsFor(String level) {
    return config.alerts().stream().filter(a -> a.levels().contains(level)).toList();
  }

  public String level(int score) {
    return score >= config.levels().healthy() ? HEALTHY : score >= config.levels().atRisk() ? AT_RISK : CRITICAL;
  }

  private record Part(String name, Object input, double value, double weight) {}

  public Score compute(Inputs in) {
    Weights w = config.weights();
    Activity a = in.activity();
    List<Part> parts = new ArrayList<>();

    // Sentiment trend: the last week counts more than the month; this interaction counts in both.
    Double now = in.sentiment();
    Double s7 = blend(a.sentiment7d(), a.interactions7d(), now);
    Double s30 = blend(a.sentiment30d(), a.interactions30d(), now);
    if (s7 != null || s30 != null) {
      double trend = s7 == null ? s30 : s30 == null ? s7 : 0.6 * s7 + 0.4 * s30;
      parts.add(new Part("sentiment", Math.round(trend * 1000) / 1000.0, (trend + 1) / 2, w.sentiment()));
    }

    Double days = in.hasInteraction() ? Double.valueOf(0) : a.daysSinceLast(in.now());
    if (days != null) {
      parts.add(new Part("recency", Math.round(days * 100) / 100.0, Math.pow(0.5, days / config.recencyHalfLifeDays()), w.recency()));
    }

    int support = a.support30d() + (in.tagged("support") ? 1 : 0);
    parts.add(new Part("support", support, 1 - Math.min(1.0, support / (double) config.supportSaturation()), w.support()));

    Object billing = in.contactAttributes().get("billing");
    if (billing instanceof Map<?, ?> b && (b.get("status") != null || b.get("failedPayments") != null)) {
      String status = b.get("status") == null ? "active" : String.valueOf(b.get("status")).toLowerCase(Locale.ROOT);
      double v = switch (status) {
        case "active", "trialing", "paid" -> 1.0;
        case "past_due", "incomplete" -> 0.4;
        case "unpaid" -> 0.2;
        case "canceled", "cancelled", "incomplete_expired" -> 0.0;
        default -> 0.7;
      };
      Double failed = Inputs.number(b.get("failedPayments"));
      if (failed != null && failed > 0) {
        v = Math.max(0, v - 0.15 * failed);
      }
      parts.add(new Part("payment", failed == null || failed == 0 ? status : status + ", " + failed.intValue() + " failed", v, w.payment()));
    }

    Double nps = Inputs.number(Inputs.path(in.contactAttributes(), "nps.score"));
    if (nps != null) {
      parts.add(new Part("nps", nps.intValue(), Math.max(0, Math.min(10, nps)) / 10.0, w.nps()));
    }

    double totalWeight = parts.stream().mapToDouble(Part::weight).sum();
    List<Factor> factors = new ArrayList<>();
    double sum = 0;
    for (Part p : parts) {
      double points = totalWeight == 0 ? 0 : 100 * p.weight() * p.value() / totalWeight;
      sum += points;
      factors.add(new Factor(p.name(), p.input(), points));
    }
    int score = Score.clamp(sum);
    return new Score(Score.HEALTH, score, level(score), factors);
  }

  /** The mean of {@code n} earlier values with this interaction's value added; null when neither exists. */
  private static Double blend(Double mean, int n, Double current) {
    if (current == null) {
      return mean;
    }
    if (mean == null || n == 0) {
      return current;
    }
    return (mean * n + current) / (n + 1);
  }
}
