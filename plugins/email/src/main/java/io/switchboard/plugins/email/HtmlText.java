package io.switchboard.plugins.email;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the HTML body of an email into plain text: tags stripped, entities decoded, paragraph and
 * line breaks kept, {@code <li>} as "- " items, and {@code <blockquote>} content prefixed with "> "
 * so that {@link QuotedReply} can cut quoted history off HTML mail too. Not a full HTML parser:
 * enough for what mail clients send. Stateless.
 */
final class HtmlText {

  private static final Pattern DROPPED = Pattern.compile(
      "<!--.*?-->|<(script|style|head|title)\\b[^>]*>.*?</\\1\\s*>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern TAG = Pattern.compile("<(/?)([a-zA-Z][a-zA-Z0-9]*)\\b[^>]*?(/?)>|<![^>]*>|<\\?[^>]*>");
  private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});");
  private static final Map<String, String> NAMED = Map.ofEntries(
      Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""),
      Map.entry("apos", "'"), Map.entry("nbsp", "\u00a0"), Map.entry("copy", "\u00a9"), Map.entry("reg", "\u00ae"),
      Map.entry("trade", "\u2122"), Map.entry("hellip", "\u2026"), Map.entry("mdash", "\u2014"),
      Map.entry("ndash", "\u2013"), Map.entry("lsquo", "\u2018"), Map.entry("rsquo", "\u2019"),
      Map.entry("ldquo", "\u201c"), Map.entry("rdquo", "\u201d"), Map.entry("euro", "\u20ac"),
      Map.entry("pound", "\u00a3"), Map.entry("bull", "\u2022"), Map.entry("middot", "\u00b7"),
      Map.entry("laquo", "\u00ab"), Map.entry("raquo", "\u00bb"), Map.entry("eacute", "\u00e9"),
      Map.entry("egrave", "\u00e8"), Map.entry("agrave", "\u00e0"), Map.entry("uuml", "\u00fc"),
      Map.entry("ouml", "\u00f6"), Map.entry("auml", "\u00e4"), Map.entry("szlig", "\u00df"),
      Map.entry("ccedil", "\u00e7"), Map.entry("zwnj", ""), Map.entry("zwj", ""), Map.entry("shy", ""));
  /** Tags that end a paragraph: a blank line before and after. */
  private static final java.util.Set<String> PARAGRAPH = java.util.Set.of(
      "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre", "hr", "dl");
  /** Tags that end a line. */
  private static final java.util.Set<String> LINE = java.util.Set.of(
      "div", "tr", "li", "dt", "dd", "section", "article", "header", "footer", "address", "center", "form");

  private HtmlText() {}

  static String toText(String html) {
    Builder out = new Builder();
    String s = DROPPED.matcher(html).replaceAll(" ");
    Matcher m = TAG.matcher(s);
    int at = 0;
    while (m.find()) {
      out.text(s.substring(at, m.start()));
      at = m.end();
      if (m.group(2) == null) {
        continue; // doctype, processing instruction
      }
      String name = m.group(2).toLowerCase(Locale.ROOT);
      boolean closing = !m.group(1).isEmpty();
      if (name.equals("br")) {
        out.lineBreak();
      } else if (name.equals("blockquote")) {
        out.paragraph();
        out.depth += closing ? (out.depth > 0 ? -1 : 0) : 1;
      } else if (name.equals("pre")) {
        out.paragraph();
        out.pre = !closing;
      } else if (PARAGRAPH.contains(name)) {
        out.paragraph();
      } else if (name.equals("li") && !closing) {
        out.newline();
        out.text("- ");
      } else if (LINE.contains(name)) {
        out.newline();
      } else if ((name.equals("td") || name.equals("th")) && !closing) {
        out.pendingSpace = true;
      }
    }
    out.text(s.substring(at));
    return out.result();
  }

  /** Decodes HTML character references; unknown ones stay as written. */
  static String decodeEntities(String s) {
    if (s.indexOf('&') < 0) {
      return s;
    }
    Matcher m = ENTITY.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String e = m.group(1);
      String replacement;
      if (e.charAt(0) == '#') {
        int cp;
        try {
          cp = e.length() > 1 && (e.charAt(1) == 'x' || e.charAt(1) == 'X')
              ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1));
        } catch (NumberFormatException ex) {
          cp = -1;
        }
        replacement = Character.isValidCodePoint(cp) && cp != 0 ? new String(Character.toChars(cp)) : "\ufffd";
      } else {
        replacement = NAMED.getOrDefault(e, NAMED.get(e.toLowerCase(Locale.ROOT)));
        if (replacement == null) {
          replacement = m.group();
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Accumulates lines, collapsing whitespace outside {@code <pre>} and prefixing quote depth. */
  private static final class Builder {
    private final StringBuilder out = new StringBuilder();
    private boolean lineStart = true;
    private boolean pendingSpace;
    private int pendingNewlines;
    private int depth;
    private boolean pre;

    void text(String raw) {
      if (raw.isEmpty()) {
        return;
      }
      String t = decodeEntities(raw);
      if (pre) {
        String[] lines = t.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
          if (i > 0) {
            newline();
          }
          if (!lines[i].isEmpty()) {
            emit(lines[i]);
          }
        }
        return;
      }
      // Outside <pre>, HTML whitespace collapses; a non-breaking space survives as a plain one.
      String[] words = t.split("[ \\t\\r\\n\\f]+", -1);
      for (int i = 0; i < words.length; i++) {
        if (i > 0) {
          pendingSpace = true;
        }
        String w = words[i].replace('\u00a0', ' ');
        if (!w.isEmpty()) {
          if (pendingSpace && !lineStart) {
            out.append(' ');
          }
          pendingSpace = false;
          emit(w);
        }
      }
    }

    private void emit(String s) {
      if (pendingNewlines > 0 && out.length() > 0) {
        for (int i = 0; i < pendingNewlines; i++) {
          out.append('\n');
          if (i < pendingNewlines - 1) {
            out.append("> ".repeat(depth).stripTrailing());
          }
        }
      }
      pendingNewlines = 0;
      if (lineStart) {
        out.append("> ".repeat(depth));
        lineStart = false;
      }
      out.append(s);
    }

    /** A {@code <br>}: every one counts, two make a blank line. */
    void lineBreak() {
      pendingNewlines = Math.min(pendingNewlines + 1, 2);
      lineStart = true;
      pendingSpace = false;
    }

    /** The end of a block: at least one line break. */
    void newline() {
      pendingNewlines = Math.max(pendingNewlines, 1);
      lineStart = true;
      pendingSpace = false;
    }

    /** The end of a paragraph: a blank line. */
    void paragraph() {
      pendingNewlines = 2;
      lineStart = true;
      pendingSpace = false;
    }

    String result() {
      String[] lines = out.toString().split("\n", -1);
      StringBuilder r = new StringBuilder();
      for (String line : lines) {
        r.append(line.stripTrailing()).append('\n');
      }
      return r.toString().replaceAll("\n{3,}", "\n\n").strip();
    }
  }
}
