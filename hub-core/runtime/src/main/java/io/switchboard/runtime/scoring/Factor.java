package io.switchboard.runtime.scoring;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One reason a score is what it is: the input it read and the points it added, so that a person can
 * see why a contact scores 72.
 *
 * @param name the factor, e.g. {@code intent} or {@code recency}
 * @param input what it read (an intent name, days since the last message), may be null
 * @param points what it added to the score (negative when it took away)
 */
public record Factor(String name, Object input, double points) {

  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("input", input);
    m.put("points", Math.round(points * 100) / 100.0);
    return m;
  }
}
