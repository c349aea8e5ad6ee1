package io.switchboard.runtime.workflow.builtin;

import io.switchboard.runtime.workflow.Expressions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A text with CEL expressions in double braces, {@code "Hi {{contact.displayName}}"}, compiled once.
 * An expression that cannot be evaluated for an interaction (a field it does not have) renders as
 * an empty string. Thread-safe.
 */
public final class Template {

  private final List<Object> parts;

  private Template(List<Object> parts) {
    this.parts = parts;
  }

  /**
   * @throws IllegalArgumentException naming the expression that does not compile or the brace that is not closed
   */
  public static Template compile(String text) {
    List<Object> parts = new ArrayList<>();
    int at = 0;
    while (at < text.length()) {
      int open = text.indexOf("{{", at);
      if (open < 0) {
        parts.add(text.substring(at));
        break;
      }
      int close = text.indexOf("}}", open + 2);
      if (close < 0) {
        throw new IllegalArgumentException("'{{' at character " + (open + 1) + " is not closed by '}}'");
      }
      if (open > at) {
        parts.add(text.substring(at, open));
      }
      String source = text.substring(open + 2, close).trim();
      try {
        parts.add(Expressions.value(source));
      } catch (Expressions.InvalidExpressionException e) {
        throw new IllegalArgumentException("{{" + source + "}} " + e.getMessage());
      }
      at = close + 2;
    }
    return new Template(parts);
  }

  public String render(Map<String, Object> variables) {
    StringBuilder out = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof Expressions.Expression e) {
        try {
          Object v = e.evaluate(variables);
          out.append(v == null ? "" : v instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue()) : v);
        } catch (Expressions.EvaluationException ex) {
          // a field the interaction does not have: nothing to say
        }
      } else {
        out.append(p);
      }
    }
    return out.toString();
  }
}
