package io.switchboard.runtime.scoring;

import java.time.Instant;
import java.util.Map;

/**
 * What a score is computed from.
 *
 * @param channel the channel of the interaction being scored; null for a scheduled recomputation
 * @param signals the interaction's signals so far (sentiment, intent, tags); empty when scheduled
 * @param contactAttributes the contact's attributes (CRM fields, billing, nps)
 * @param activity the contact's engagement before this interaction
 * @param now when the score is computed: the interaction's time, or the job's
 */
public record Inputs(String channel, Map<String, Object> signals, Map<String, Object> contactAttributes,
    Activity activity, Instant now) {

  /** True when an interaction is being scored (it counts as engagement now). */
  boolean hasInteraction() {
    return channel != null;
  }

  /** The interaction's sentiment compound, if an {@code ai.sentiment} step ran. */
  Double sentiment() {
    return number(path(signals, "sentiment.compound"));
  }

  /** The interaction's intent name, if an {@code ai.intent} step ran. */
  String intent() {
    Object v = path(signals, "intent.name");
    return v == null ? null : String.valueOf(v);
  }

  /** True when the interaction carries the tag (from the {@code tag} step). */
  boolean tagged(String tag) {
    return signals.get("tags") instanceof java.util.Collection<?> c && c.contains(tag);
  }

  /** A dot-separated path into nested maps; null where it ends. */
  static Object path(Map<String, ?> root, String path) {
    Object cur = root;
    for (String part : path.split("\\.")) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(part);
    }
    return cur;
  }

  static Double number(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }
}
