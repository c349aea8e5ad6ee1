package io.switchboard.plugins.ailocal;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV (RFC 4180: comma-separated, fields optionally in double quotes, {@code ""} for a quote
 * inside one, UTF-8) with a header: intent examples (the columns {@code text} and {@code category})
 * and, through {@link #records}, any other named columns (the {@code question,answer} FAQs of
 * {@code ai.kb}). Other columns are ignored.
 */
final class ExamplesCsv {

  /** One example. */
  record Example(String intent, String text) {}

  private ExamplesCsv() {}

  /**
   * The examples of a file, in file order.
   *
   * @throws IllegalArgumentException naming the file and line when it cannot be read or parsed
   */
  static List<Example> read(Path file, String field) {
    return parse(readText(file, field), field + ": " + file);
  }

  static List<Example> parse(String text, String where) {
    List<Example> out = new ArrayList<>();
    for (String[] r : records(text, where, "text", "category")) {
      out.add(new Example(r[1], r[0]));
    }
    return out;
  }

  /** A file's text, which must be UTF-8. */
  static String readText(Path file, String field) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(field + ": cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(field + ": " + file + " is not UTF-8 text", e);
    }
  }

  /**
   * The records of a CSV text with a header naming (at least) {@code columns}: each record's values
   * of those columns, in that order, stripped. Blank lines are skipped; a record with a missing or
   * empty value of one of the columns is an error, and so is a file without records.
   */
  static List<String[]> records(String text, String where, String... columns) {
    if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
      text = text.substring(1);
    }
    List<List<String>> rows = rows(text, where);
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(where + ": empty file; expected a header with the columns "
          + String.join(",", columns));
    }
    List<String> header = rows.get(0);
    int[] at = new int[columns.length];
    for (int c = 0; c < columns.length; c++) {
      at[c] = header.indexOf(columns[c]);
      if (at[c] < 0) {
        throw new IllegalArgumentException(where + ": line 1: the header must name the columns "
            + String.join(" and ", columns) + ", got " + String.join(",", header));
      }
    }
    List<String[]> out = new ArrayList<>(rows.size());
    for (int r = 1; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      if (row.size() == 1 && row.get(0).isEmpty()) {
        continue;
      }
      if (row.size() != header.size()) {
        throw new IllegalArgumentException(where + ": record " + (r + 1) + " has " + row.size() + " fields, the header "
            + header.size());
      }
      String[] values = new String[columns.length];
      for (int c = 0; c < columns.length; c++) {
        values[c] = row.get(at[c]).strip();
        if (values[c].isEmpty()) {
          throw new IllegalArgumentException(where + ": record " + (r + 1) + " has an empty "
              + String.join(" or ", columns));
        }
      }
      out.add(values);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(where + ": no records after the header");
    }
    return out;
  }

  private static List<List<String>> rows(String s, String where) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = s.length();
    boolean quoted = false;
    boolean any = false;
    while (i < n) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < n && s.charAt(i + 1) == '"') {
            field.append('"');
            i += 2;
            continue;
          }
          quoted = false;
        } else {
          field.append(c);
        }
        i++;
        continue;
      }
      any = true;
      switch (c) {
        case '"' -> {
          if (field.length() > 0) {
            throw new IllegalArgumentException(where + ": record " + (rows.size() + 1)
                + ": a quote inside an unquoted field; quote the whole field and double the quote");
          }
          quoted = true;
        }
        case ',' -> {
          row.add(field.toString());
          field.setLength(0);
        }
        case '\r' -> {
          // part of CRLF; a lone CR is ignored too
        }
        case '\n' -> {
          row.add(field.toString());
          field.setLength(0);
          rows.add(row);
          row = new ArrayList<>();
          any = false;
        }
        default -> field.append(c);
      }
      i++;
    }
    if (quoted) {
      throw new IllegalArgumentException(where + ": record " + (rows.size() + 1) + ": a quoted field is not closed");
    }
    if (any || field.length() > 0 || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }
}
