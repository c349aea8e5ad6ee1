package io.switchboard.runtime.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;

/**
 * One thing wrong with a tenant file: where it is (file, line, column, and the path of the field) and
 * what is expected instead. Line and column are 1-based; 0 when the problem is not at one place.
 *
 * @param file the tenant file
 * @param line the line, or 0
 * @param column the column, or 0
 * @param path the field's path, e.g. {@code workflow.steps[2].config.keywords}; empty for the whole file
 * @param message what is wrong and what to write instead
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ConfigProblem(String file, int line, int column, String path, String message,
    @com.fasterxml.jackson.annotation.JsonIgnore boolean aboutKey) {

  public ConfigProblem {
    path = path == null ? "" : path;
  }

  public ConfigProblem(String file, int line, int column, String path, String message) {
    this(file, line, column, path, message, false);
  }

  /** A problem with a field's value whose place in the file is not known yet; see {@link #locate}. */
  public static ConfigProblem at(String path, String message) {
    return new ConfigProblem(null, 0, 0, path, message, false);
  }

  /** A problem with the field's name itself (an unknown field): placed at the key, not the value. */
  public static ConfigProblem atKey(String path, String message) {
    return new ConfigProblem(null, 0, 0, path, message, true);
  }

  /** This problem placed in {@code file}, at the field's line and column when the index knows it. */
  public ConfigProblem locate(Path file, Locations locations) {
    Locations.Position p = locations == null ? Locations.Position.NONE : locations.find(path, aboutKey);
    return new ConfigProblem(file.toString(), line > 0 ? line : p.line(), line > 0 ? column : p.column(), path, message,
        aboutKey);
  }

  /** {@code file:line:column: path: message}, as compilers print errors. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    if (file != null) {
      out.append(file);
      if (line > 0) {
        out.append(':').append(line).append(':').append(column);
      }
      out.append(": ");
    }
    if (!path.isEmpty()) {
      out.append(path).append(": ");
    }
    return out.append(message).toString();
  }
}
