package io.switchboard.plugins.ailocal;

import io.switchboard.api.KnowledgeDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits knowledge-base documents into the passages {@code ai.kb} embeds and returns.
 *
 * <ul>
 *   <li>Markdown or plain text: sections start at headings ({@code #} to {@code ######}); a
 *       section's blank-line paragraphs are packed into chunks of at most {@value #MAX_WORDS} words
 *       (a paragraph longer than that is split between sentences), so that chunks are about
 *       {@value #MIN_WORDS} to {@value #MAX_WORDS} words unless the section is shorter. The heading
 *       is embedded with every chunk of its section, as context, and is the passage's title.
 *       Fenced code blocks stay whole within a paragraph.
 *   <li>An FAQ (a document whose source or id ends in {@code .csv}): a CSV with the columns
 *       {@code question} and {@code answer}; each row is one chunk, its question embedded and its
 *       answer returned, with the question as the title.
 * </ul>
 */
final class Chunker {

  static final int MIN_WORDS = 80;
  static final int MAX_WORDS = 200;

  private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern FENCE = Pattern.compile("^ {0,3}(```|~~~).*");
  /** A sentence ends at . ! or ? followed by white space. */
  private static final Pattern SENTENCE_END = Pattern.compile("(?<=[.!?])\\s+");
  private static final Pattern WORDS = Pattern.compile("\\s+");

  /**
   * One passage: what is embedded ({@code embedText}) and what is returned ({@code text}).
   *
   * @param title the passage's heading (its section, an FAQ's question) or the document's title
   */
  record Chunk(String documentId, String title, String source, String text, String embedText) {}

  private Chunker() {}

  /** The document's chunks, in document order; empty for a blank document. */
  static List<Chunk> chunks(KnowledgeDocument doc) {
    if (isFaq(doc)) {
      return faq(doc);
    }
    return text(doc);
  }

  static boolean isFaq(KnowledgeDocument doc) {
    return doc.source().toLowerCase(Locale.ROOT).endsWith(".csv") || doc.id().toLowerCase(Locale.ROOT).endsWith(".csv");
  }

  private static List<Chunk> faq(KnowledgeDocument doc) {
    List<Chunk> out = new ArrayList<>();
    String where = "document '" + doc.id() + "'";
    for (String[] row : ExamplesCsv.records(doc.text(), where, "question", "answer")) {
      out.add(new Chunk(doc.id(), row[0], doc.source(), row[1], row[0]));
    }
    return out;
  }

  private static List<Chunk> text(KnowledgeDocument doc) {
    List<Chunk> out = new ArrayList<>();
    String heading = "";
    List<String> paragraphs = new ArrayList<>();
    StringBuilder para = new StringBuilder();
    boolean fenced = false;
    for (String line : doc.text().split("\r?\n", -1)) {
      if (FENCE.matcher(line).matches()) {
        fenced = !fenced;
        append(para, line);
        continue;
      }
      if (fenced) {
        append(para, line);
        continue;
      }
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        flushParagraph(para, paragraphs);
        section(doc, heading, paragraphs, out);
        paragraphs.clear();
        heading = h.group(2).strip();
      } else if (line.isBlank()) {
        flushParagraph(para, paragraphs);
      } else {
        append(para, line.strip());
      }
    }
    flushParagraph(para, paragraphs);
    section(doc, heading, paragraphs, out);
    return out;
  }

  private static void append(StringBuilder para, String line) {
    if (para.length() > 0) {
      para.append('\n');
    }
    para.append(line);
  }

  private static void flushParagraph(StringBuilder para, List<String> paragraphs) {
    if (!para.toString().isBlank()) {
      paragraphs.add(para.toString().strip());
    }
    para.setLength(0);
  }

  /** One section's paragraphs packed into chunks of at most MAX_WORDS words. */
  private static void section(KnowledgeDocument doc, String heading, List<String> paragraphs, List<Chunk> out) {
    List<String> pieces = new ArrayList<>();
    for (String p : paragraphs) {
      if (words(p) <= MAX_WORDS) {
        pieces.add(p);
      } else {
        pieces.addAll(splitLong(p));
      }
    }
    for (String body : pack(pieces, "\n\n", MAX_WORDS)) {
      out.add(chunk(doc, heading, body));
    }
  }

  /**
   * A paragraph longer than MAX_WORDS as runs of whole sentences (a run-on sentence by words), of
   * about equal length, so that the last run is not a stub.
   */
  private static List<String> splitLong(String paragraph) {
    int total = words(paragraph);
    int runs = (int) Math.ceil(total / (MAX_WORDS * 0.85));
    List<String> sentences = new ArrayList<>();
    for (String sentence : SENTENCE_END.split(paragraph)) {
      sentences.addAll(words(sentence) <= MAX_WORDS ? List.of(sentence) : byWords(sentence));
    }
    return pack(sentences, " ", (total + runs - 1) / runs);
  }

  /**
   * Pieces joined into runs, in order: a run ends once it has {@code target} words or when the
   * next piece would take it past MAX_WORDS.
   */
  private static List<String> pack(List<String> pieces, String separator, int target) {
    List<String> out = new ArrayList<>();
    StringBuilder run = new StringBuilder();
    int words = 0;
    for (String piece : pieces) {
      int w = words(piece);
      if (words > 0 && (words >= target || words + w > MAX_WORDS)) {
        out.add(run.toString());
        run.setLength(0);
        words = 0;
      }
      if (run.length() > 0) {
        run.append(separator);
      }
      run.append(piece);
      words += w;
    }
    if (words > 0) {
      out.add(run.toString());
    }
    return out;
  }

  /** A sentence longer than MAX_WORDS in pieces of about equal length. */
  private static List<String> byWords(String sentence) {
    String[] w = WORDS.split(sentence.strip());
    int pieces = (w.length + MAX_WORDS - 1) / MAX_WORDS;
    int size = (w.length + pieces - 1) / pieces;
    List<String> out = new ArrayList<>();
    for (int i = 0; i < w.length; i += size) {
      out.add(String.join(" ", java.util.Arrays.copyOfRange(w, i, Math.min(w.length, i + size))));
    }
    return out;
  }

  private static Chunk chunk(KnowledgeDocument doc, String heading, String body) {
    String title = heading.isEmpty() ? doc.title() : heading;
    // The heading (and the document's title, when it says something else) is context for the embedding.
    StringBuilder embed = new StringBuilder();
    if (!doc.title().isBlank() && !doc.title().equalsIgnoreCase(heading)) {
      embed.append(doc.title()).append('\n');
    }
    if (!heading.isEmpty()) {
      embed.append(heading).append('\n');
    }
    embed.append(body);
    return new Chunk(doc.id(), title, doc.source(), body, embed.toString());
  }

  static int words(String s) {
    String t = s.strip();
    return t.isEmpty() ? 0 : WORDS.split(t).length;
  }
}
