package io.switchboard.runtime.scoring;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the hub knows of a contact's recent engagement, before the interaction being processed:
 * the inputs of the lead and health scores. Workflows see it as {@code contact.attributes.activity}.
 *
 * @param interactions7d interactions in the last 7 days
 * @param interactions30d interactions in the last 30 days
 * @param lastInteractionAt the newest interaction, or null for a new contact
 * @param sentiment7d mean sentiment compound of the last 7 days, or null without sentiment signals
 * @param sentiment30d mean sentiment compound of the last 30 days, or null
 * @param support30d interactions of the last 30 days tagged {@code support}
 * @param leadScore the current lead score, or null
 * @param healthScore the current health score, or null
 * @param healthLevel the current health level, or null
 */
public record Activity(int interactions7d, int interactions30d, Instant lastInteractionAt, Double sentiment7d,
    Double sentiment30d, int support30d, Integer leadScore, Integer healthScore, String healthLevel) {

  /** A contact the hub has never seen interact. */
  public static final Activity NONE = new Activity(0, 0, null, null, null, 0, null, null, null);

  /** Days from the last interaction to {@code now}, or null when there was none. */
  public Double daysSinceLast(Instant now) {
    return lastInteractionAt == null ? null : Math.max(0, Duration.between(lastInteractionAt, now).toSeconds() / 86400.0);
  }

  /** The view conditions read under {@code contact.attributes.activity}. */
  public Map<String, Object> asAttributes(Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("interactions7d", interactions7d);
    m.put("interactions30d", interactions30d);
    m.put("lastInteractionAt", lastInteractionAt == null ? null : lastInteractionAt.toString());
    Double days = daysSinceLast(now);
    m.put("daysSinceLastInteraction", days == null ? null : Math.round(days * 100) / 100.0);
    m.put("sentiment7d", sentiment7d);
    m.put("sentiment30d", sentiment30d);
    m.put("support30d", support30d);
    return m;
  }

  /** The view conditions read under {@code contact.attributes.scores}: the contact's current scores. */
  public Map<String, Object> scoresAsAttributes() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (leadScore != null) {
      m.put("lead", Map.of("score", leadScore));
    }
    if (healthScore != null) {
      Map<String, Object> h = new LinkedHashMap<>();
      h.put("score", healthScore);
      h.put("level", healthLevel);
      m.put("health", h);
    }
    return m;
  }

  /** Reads back what {@link #asAttributes} and {@link #scoresAsAttributes} put on a contact; NONE where absent. */
  public static Activity fromAttributes(Map<String, Object> contactAttributes) {
    Object a = contactAttributes.get("activity");
    Object s = contactAttributes.get("scores");
    if (!(a instanceof Map<?, ?> m)) {
      return NONE;
    }
    Object last = m.get("lastInteractionAt");
    Object lead = Inputs.path(s instanceof Map<?, ?> sm ? cast(sm) : Map.of(), "lead.score");
    Map<String, Object> scores = s instanceof Map<?, ?> sm ? cast(sm) : Map.of();
    Double health = Inputs.number(Inputs.path(scores, "health.score"));
    Object level = Inputs.path(scores, "health.level");
    return new Activity(intOf(m.get("interactions7d")), intOf(m.get("interactions30d")),
        last == null ? null : Instant.parse(String.valueOf(last)), Inputs.number(m.get("sentiment7d")),
        Inputs.number(m.get("sentiment30d")), intOf(m.get("support30d")),
        lead == null ? null : Inputs.number(lead).intValue(), health == null ? null : health.intValue(),
        level == null ? null : String.valueOf(level));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static int intOf(Object v) {
    Double d = Inputs.number(v);
    return d == null ? 0 : d.intValue();
  }
}
