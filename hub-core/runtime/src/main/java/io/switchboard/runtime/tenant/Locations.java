package io.switchboard.runtime.tenant;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of a YAML or JSON document is, by path: read once from the parser's tokens so that
 * errors found after parsing (constraint violations, unknown steps, bad conditions) can still name
 * the line and column. Paths are written as the hub prints them: {@code workflow.steps[2].when}.
 */
public final class Locations {

  /** A 1-based line and column; {@link #NONE} when unknown. */
  public record Position(int line, int column) {
    public static final Position NONE = new Position(0, 0);
  }

  private final Map<String, Position> keys;
  private final Map<String, Position> values;

  private Locations(Map<String, Position> keys, Map<String, Position> values) {
    this.keys = keys;
    this.values = values;
  }

  /** Indexes a document; an unreadable one yields what was read before the error. */
  public static Locations index(JsonFactory factory, byte[] document) {
    Map<String, Position> keys = new HashMap<>();
    Map<String, Position> values = new HashMap<>();
    try (JsonParser p = factory.createParser(document)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        JsonLocation at = p.currentTokenLocation();
        Position pos = new Position(at.getLineNr(), at.getColumnNr());
        if (t == JsonToken.FIELD_NAME) {
          keys.putIfAbsent(path(p.getParsingContext().pathAsPointer()), pos);
        } else if (t != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
          // a container's own path is its parent's context with the name or index of the container
          var ctx = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY ? p.getParsingContext().getParent()
              : p.getParsingContext();
          String path = ctx == null ? "" : path(ctx.pathAsPointer());
          values.putIfAbsent(path, pos);
        }
      }
    } catch (IOException | RuntimeException e) {
      // the parse itself reports the error; the index keeps what it saw
    }
    return new Locations(keys, values);
  }

  /**
   * The position of the field's value (or of its key, with {@code key}), or of its closest
   * enclosing field that the document has.
   */
  public Position find(String path, boolean key) {
    String p = path == null ? "" : path;
    while (true) {
      Position at = key ? keys.get(p) : values.get(p);
      if (at == null) {
        at = key ? values.get(p) : keys.get(p);
      }
      if (at != null) {
        return at;
      }
      if (p.isEmpty()) {
        return Position.NONE;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut <= 0 ? "" : p.substring(0, cut);
    }
  }

  /** A JSON Pointer as the hub writes paths: {@code /workflow/steps/2/when} is {@code workflow.steps[2].when}. */
  public static String path(JsonPointer pointer) {
    return io.switchboard.pluginloader.JsonPaths.of(pointer);
  }
}
