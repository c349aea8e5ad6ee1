package io.switchboard.runtime.scoring;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The lead score: 0 to 100 from weighted factors a tenant configures (source channel, intent,
 * sentiment, engagement recency and frequency, CRM fields), each factor's points kept with the score.
 */
public final class LeadScoring {

  /**
   * The tenant's weights; every field is optional.
   *
   * @param base points every lead starts with
   * @param channels points by channel the lead came in on (its source)
   * @param intents points by intent name (from {@code ai.intent}); negative ones take away
   * @param sentiment points at compound +1 (scaled by the compound, so negative sentiment takes away)
   * @param recency points for engagement now, halving every {@code halfLifeDays} without an interaction
   * @param frequency points at {@code saturation} interactions in 30 days, in proportion below it
   * @param fields points for CRM or billing fields of the contact
   */
  public record Config(
      @JsonProperty("base") @JsonPropertyDescription("Points every lead starts with; default 10") Double base,
      @JsonProperty("channels") @JsonPropertyDescription("Points by source channel, e.g. {whatsapp: 10, sms: 5}") Map<String, Double> channels,
      @JsonProperty("intents") @JsonPropertyDescription("Points by intent name from ai.intent, e.g. {pricing: 30, cancel: -20}") Map<String, Double> intents,
      @JsonProperty("sentiment") @JsonPropertyDescription("Points at sentiment +1, scaled by the compound score; default 15") Double sentiment,
      @JsonProperty("recency") @JsonPropertyDescription("Points for engagement now, halving every halfLifeDays") Recency recency,
      @JsonProperty("frequency") @JsonPropertyDescription("Points at 'saturation' interactions in 30 days, in proportion below") Frequency frequency,
      @JsonProperty("fields") @JsonPropertyDescription("Points for contact fields (CRM, billing): path, optional equals, points") List<FieldRule> fields) {

    public Config {
      base = base == null ? 10.0 : base;
      channels = channels == null ? Map.of() : channels;
      intents = intents == null ? Map.of() : intents;
      sentiment = sentiment == null ? 15.0 : sentiment;
      recency = recency == null ? new Recency(null, null) : recency;
      frequency = frequency == null ? new Frequency(null, null) : frequency;
      fields = fields == null ? List.of() : fields;
    }
  }

  /** @param points at an interaction now; @param halfLifeDays days after which half remains */
  public record Recency(
      @JsonProperty("points") @JsonPropertyDescription("Points for an interaction now; default 20") Double points,
      @JsonProperty("halfLifeDays") @JsonPropertyDescription("Days without an interaction after which half the points remain; default 7") Double halfLifeDays) {
    public Recency {
      points = points == null ? 20.0 : points;
      halfLifeDays = halfLifeDays == null ? 7.0 : halfLifeDays;
    }
  }

  /** @param points at saturation; @param saturation interactions in 30 days that earn all the points */
  public record Frequency(
      @JsonProperty("points") @JsonPropertyDescription("Points at 'saturation' interactions in 30 days; default 25") Double points,
      @JsonProperty("saturation") @JsonPropertyDescription("Interactions in 30 days that earn all the points; default 10") Integer saturation) {
    public Frequency {
      points = points == null ? 25.0 : points;
      saturation = saturation == null ? 10 : saturation;
    }
  }

  /**
   * @param path a dot-separated path into the contact's attributes, e.g. {@code crm.lifecycleStage}
   * @param equals the value that earns the points; absent: any value that is present and not false
   * @param points what it adds
   */
  public record FieldRule(
      @JsonProperty(value = "path", required = true) @JsonPropertyDescription("Path into contact attributes, e.g. crm.lifecycleStage") String path,
      @JsonProperty("equals") @JsonPropertyDescription("The value that earns the points; absent: any value present") Object equals,
      @JsonProperty(value = "points", required = true) @JsonPropertyDescription("Points added (negative to take away)") Double points) {}

  private final Config config;

  public LeadScoring(Config config) {
    if (config.recency().halfLifeDays() <= 0) {
      throw new IllegalArgumentException("recency.halfLifeDays must be greater than 0");
    }
    if (config.frequency().saturation() < 1) {
      throw new IllegalArgumentException("frequency.saturation must be at least 1");
    }
    for (int i = 0; i < config.fields().size(); i++) {
      FieldRule r = config.fields().get(i);
      if (r == null || r.path() == null || r.path().isBlank() || r.points() == null) {
        throw new IllegalArgumentException("fields[" + i + "] needs a 'path' and 'points'");
      }
    }
    this.config = config;
  }

  public Score compute(Inputs in) {
    List<Factor> f = new ArrayList<>();
    f.add(new Factor("base", null, config.base()));
    if (in.channel() != null && config.channels().containsKey(in.channel())) {
      f.add(new Factor("source", in.channel(), config.channels().get(in.channel())));
    }
    String intent = in.intent();
    if (intent != null && config.intents().containsKey(intent)) {
      f.add(new Factor("intent", intent, config.intents().get(intent)));
    }
    Double compound = in.sentiment();
    if (compound != null) {
      f.add(new Factor("sentiment", compound, config.sentiment() * compound));
    }
    Double days = in.hasInteraction() ? Double.valueOf(0) : in.activity().daysSinceLast(in.now());
    if (days != null) {
      double decay = Math.pow(0.5, days / config.recency().halfLifeDays());
      f.add(new Factor("recency", Math.round(days * 100) / 100.0, config.recency().points() * decay));
    }
    int count = in.activity().interactions30d() + (in.hasInteraction() ? 1 : 0);
    f.add(new Factor("frequency", count,
        config.frequency().points() * Math.min(1.0, count / (double) config.frequency().saturation())));
    for (FieldRule r : config.fields()) {
      Object v = Inputs.path(in.contactAttributes(), r.path());
      boolean match = r.equals() == null
          ? v != null && !Boolean.FALSE.equals(v)
          : v != null && (Objects.equals(v, r.equals()) || String.valueOf(v).equals(String.valueOf(r.equals())));
      if (match) {
        f.add(new Factor("field:" + r.path(), v, r.points()));
      }
    }
    double total = f.stream().mapToDouble(Factor::points).sum();
    return new Score(Score.LEAD, Score.clamp(total), null, f);
  }
}
