package io.switchboard.runtime.scoring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A computed score, 0 to 100, with its factors.
 *
 * @param kind {@code lead} or {@code health}
 * @param score the score
 * @param level the risk level for health scores ({@code healthy}, {@code at_risk}, {@code critical}); null for lead scores
 * @param factors each factor's contribution, in the order they were applied
 */
public record Score(String kind, int score, String level, List<Factor> factors) {

  public static final String LEAD = "lead";
  public static final String HEALTH = "health";

  public Score {
    factors = List.copyOf(factors);
  }

  /** The signal stored under {@code signals.scores.<kind>}. */
  public Map<String, Object> asSignal() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("score", score);
    if (level != null) {
      m.put("level", level);
    }
    m.put("factors", factors.stream().map(Factor::asMap).toList());
    return m;
  }

  /** Reads a score back from its signal; null when the value is not one. */
  @SuppressWarnings("unchecked")
  public static Score fromSignal(String kind, Object signal) {
    if (!(signal instanceof Map<?, ?> m) || !(m.get("score") instanceof Number n)) {
      return null;
    }
    List<Factor> factors = new java.util.ArrayList<>();
    if (m.get("factors") instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> f && f.get("points") instanceof Number p) {
          factors.add(new Factor(String.valueOf(f.get("name")), f.get("input"), p.doubleValue()));
        }
      }
    }
    return new Score(kind, n.intValue(), m.get("level") == null ? null : String.valueOf(m.get("level")), factors);
  }

  static int clamp(double v) {
    return (int) Math.max(0, Math.min(100, Math.round(v)));
  }
}
