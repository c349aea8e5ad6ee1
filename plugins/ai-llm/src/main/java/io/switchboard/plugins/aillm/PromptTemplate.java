package io.switchboard.plugins.aillm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A prompt template of {@code ai.llm}: text with {@code {{name}}} placeholders, parsed once when the
 * step is created and rendered for each interaction. Only the names in {@link #PLACEHOLDERS} exist;
 * any other, and a {@code {{} without its {@code }}}, are configuration errors naming the field.
 * Values are inserted as they are, never expanded again, so a customer's text that contains
 * {@code {{kb}}} stays text. Immutable and thread-safe.
 */
final class PromptTemplate {

  /** The placeholders a template may use, in the order error messages list them. */
  static final Set<String> PLACEHOLDERS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(
      "text", "contact.displayName", "channel", "kb", "intent", "sentiment")));

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*}}");

  /** Literal text (String) and placeholder names (Name), in order. */
  private final List<Object> parts;

  private record Name(String value) {}

  private PromptTemplate(List<Object> parts) {
    this.parts = parts;
  }

  /**
   * Parses a template.
   *
   * @param field the config field it came from, for error messages
   * @throws IllegalArgumentException for an unknown placeholder or an unclosed {@code {{}
   */
  static PromptTemplate parse(String field, String template) {
    List<Object> parts = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    int at = 0;
    while (m.find()) {
      literal(field, parts, template.substring(at, m.start()));
      String name = m.group(1);
      if (!PLACEHOLDERS.contains(name)) {
        throw new IllegalArgumentException(field + ": unknown placeholder {{" + name + "}}; known placeholders: "
            + String.join(", ", PLACEHOLDERS.stream().map(p -> "{{" + p + "}}").toList()));
      }
      parts.add(new Name(name));
      at = m.end();
    }
    literal(field, parts, template.substring(at));
    return new PromptTemplate(List.copyOf(parts));
  }

  private static void literal(String field, List<Object> parts, String text) {
    if (text.contains("{{")) {
      throw new IllegalArgumentException(field + ": '{{' without a matching '}}' (placeholders look like {{text}})");
    }
    if (!text.isEmpty()) {
      parts.add(text);
    }
  }

  /** The placeholders this template uses. */
  Set<String> placeholders() {
    Set<String> names = new LinkedHashSet<>();
    for (Object p : parts) {
      if (p instanceof Name n) {
        names.add(n.value());
      }
    }
    return names;
  }

  /** The template with each placeholder replaced by its value; a missing value renders empty. */
  String render(Map<String, String> values) {
    StringBuilder out = new StringBuilder();
    for (Object p : parts) {
      if (p instanceof Name n) {
        String v = values.get(n.value());
        out.append(v == null ? "" : v);
      } else {
        out.append((String) p);
      }
    }
    return out.toString();
  }
}
