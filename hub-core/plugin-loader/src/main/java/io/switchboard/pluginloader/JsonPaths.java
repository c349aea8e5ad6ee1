package io.switchboard.pluginloader;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.List;

/**
 * Field paths as the hub prints them in every configuration error, {@code workflow.steps[2].when},
 * from Jackson's two ways of saying where: a JSON Pointer (a parser's position) and a mapping
 * exception's references. One writer for the step-config binder and the tenant-file parser.
 */
public final class JsonPaths {

  private JsonPaths() {}

  /** {@code /workflow/steps/2/when} as {@code workflow.steps[2].when}. */
  public static String of(JsonPointer pointer) {
    StringBuilder out = new StringBuilder();
    for (JsonPointer p = pointer; p != null && !p.matches(); p = p.tail()) {
      if (p.mayMatchElement() && p.getMatchingProperty().chars().allMatch(Character::isDigit)) {
        out.append('[').append(p.getMatchingIndex()).append(']');
      } else {
        out.append(out.length() == 0 ? "" : ".").append(p.getMatchingProperty());
      }
    }
    return out.toString();
  }

  /** A binding error's references ({@code rules}, {@code [2]}, {@code match}) as {@code rules[2].match}. */
  public static String of(List<JsonMappingException.Reference> references) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : references) {
      if (r.getFieldName() != null) {
        out.append(out.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }
}
