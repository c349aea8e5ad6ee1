package io.switchboard.plugins.ailocal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The BERT uncased WordPiece tokenizer of a Hugging Face {@code tokenizer.json} (BertNormalizer,
 * BertPreTokenizer, WordPiece, [CLS] ... [SEP]), in plain Java.
 *
 * <p>Why not DJL's native Hugging Face tokenizer, which LangChain4j uses: its native library is
 * extracted to one fixed path per machine, and a JVM loads a native library into one class loader
 * only, so a second load of the plugin (reinstall, a second hub plugin manager, a test next to the
 * hub) would fail with an {@code UnsatisfiedLinkError}; it also adds 19 MB to the archive. This class
 * follows the Rust implementation's rules step by step (clean text, CJK spacing, NFD accent stripping
 * and lower-casing, whitespace and punctuation splitting, greedy longest-match-first word pieces,
 * special tokens matched in the raw text), and {@code WordPieceTokenizerTest} checks it against DJL's
 * tokenizer on the same file.
 *
 * <p>Immutable and thread-safe.
 */
final class WordPieceTokenizer {

  private final Map<String, Integer> vocab;
  private final String continuingPrefix;
  private final int maxInputCharsPerWord;
  private final int unkId;
  private final int clsId;
  private final int sepId;
  private final int padId;
  private final boolean lowercase;
  private final boolean stripAccents;
  /** Special tokens matched verbatim in the input before normalisation ([CLS], [SEP], [MASK], ...). */
  private final Map<String, Integer> specialTokens;

  private WordPieceTokenizer(Map<String, Integer> vocab, String continuingPrefix, int maxInputCharsPerWord,
      String unk, Map<String, Integer> specialTokens, boolean lowercase, boolean stripAccents) {
    this.vocab = vocab;
    this.continuingPrefix = continuingPrefix;
    this.maxInputCharsPerWord = maxInputCharsPerWord;
    this.unkId = id(vocab, unk);
    this.clsId = id(vocab, "[CLS]");
    this.sepId = id(vocab, "[SEP]");
    this.padId = id(vocab, "[PAD]");
    this.specialTokens = specialTokens;
    this.lowercase = lowercase;
    this.stripAccents = stripAccents;
  }

  private static int id(Map<String, Integer> vocab, String token) {
    Integer id = vocab.get(token);
    if (id == null) {
      throw new IllegalStateException("tokenizer vocabulary has no " + token + " token");
    }
    return id;
  }

  /**
   * Reads a {@code tokenizer.json} whose model is WordPiece with a BertNormalizer.
   *
   * @throws IllegalStateException when the file is not such a tokenizer
   */
  static WordPieceTokenizer fromJson(InputStream json) throws IOException {
    JsonNode root = new ObjectMapper().readTree(json);
    JsonNode model = root.path("model");
    if (!"WordPiece".equals(model.path("type").asText())) {
      throw new IllegalStateException("tokenizer.json: model type is '" + model.path("type").asText()
          + "', only WordPiece is supported");
    }
    JsonNode normalizer = root.path("normalizer");
    if (!"BertNormalizer".equals(normalizer.path("type").asText())) {
      throw new IllegalStateException("tokenizer.json: normalizer is '" + normalizer.path("type").asText()
          + "', only BertNormalizer is supported");
    }
    if (!normalizer.path("clean_text").asBoolean(true) || !normalizer.path("handle_chinese_chars").asBoolean(true)) {
      throw new IllegalStateException("tokenizer.json: only clean_text and handle_chinese_chars = true are supported");
    }
    boolean lowercase = normalizer.path("lowercase").asBoolean(true);
    JsonNode strip = normalizer.path("strip_accents");
    boolean stripAccents = strip.isNull() || strip.isMissingNode() ? lowercase : strip.asBoolean();
    Map<String, Integer> vocab = new HashMap<>(model.path("vocab").size() * 2);
    for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      vocab.put(e.getKey(), e.getValue().asInt());
    }
    Map<String, Integer> special = new HashMap<>();
    for (JsonNode t : root.path("added_tokens")) {
      if (t.path("special").asBoolean(false)) {
        special.put(t.path("content").asText(), t.path("id").asInt());
      }
    }
    return new WordPieceTokenizer(vocab, model.path("continuing_subword_prefix").asText("##"),
        model.path("max_input_chars_per_word").asInt(100), model.path("unk_token").asText("[UNK]"),
        special, lowercase, stripAccents);
  }

  int padId() {
    return padId;
  }

  /**
   * The model input for one text: {@code [CLS]}, its word pieces, {@code [SEP]}, cut to
   * {@code maxTokens} in all (the pieces past it are dropped; {@code [SEP]} is kept).
   */
  int[] encode(String text, int maxTokens) {
    if (maxTokens < 2) {
      throw new IllegalArgumentException("maxTokens must leave room for [CLS] and [SEP], got " + maxTokens);
    }
    List<Integer> ids = new ArrayList<>(32);
    ids.add(clsId);
    int room = maxTokens - 2;
    for (Piece p : pieces(text)) {
      if (ids.size() - 1 >= room) {
        break;
      }
      ids.add(p.id);
    }
    ids.add(sepId);
    int[] out = new int[ids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.get(i);
    }
    return out;
  }

  /** The word pieces of a text, without [CLS] and [SEP] (what Hugging Face's {@code tokenize} returns). */
  List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    for (Piece p : pieces(text)) {
      out.add(p.token);
    }
    return out;
  }

  private record Piece(String token, int id) {}

  private List<Piece> pieces(String text) {
    List<Piece> out = new ArrayList<>();
    // Special tokens are matched in the raw text first (leftmost, then longest), as Hugging Face does.
    int start = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      String special = text.charAt(i) == '[' ? specialAt(text, i) : null;
      if (special != null) {
        wordPieces(normalize(text.substring(start, i)), out);
        out.add(new Piece(special, specialTokens.get(special)));
        i += special.length();
        start = i;
      } else {
        i++;
      }
    }
    wordPieces(normalize(text.substring(start)), out);
    return out;
  }

  private String specialAt(String text, int i) {
    String best = null;
    for (String s : specialTokens.keySet()) {
      if (text.startsWith(s, i) && (best == null || s.length() > best.length())) {
        best = s;
      }
    }
    return best;
  }

  /** BertNormalizer: clean text, space out CJK ideographs, strip accents (NFD, drop Mn), lower-case. */
  private String normalize(String text) {
    if (text.isEmpty()) {
      return text;
    }
    StringBuilder b = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
        continue;
      }
      if (isWhitespace(cp)) {
        b.append(' ');
      } else if (isChinese(cp)) {
        b.append(' ').appendCodePoint(cp).append(' ');
      } else {
        b.appendCodePoint(cp);
      }
    }
    String s = b.toString();
    if (stripAccents) {
      String nfd = Normalizer.normalize(s, Normalizer.Form.NFD);
      StringBuilder c = new StringBuilder(nfd.length());
      for (int i = 0; i < nfd.length(); ) {
        int cp = nfd.codePointAt(i);
        i += Character.charCount(cp);
        if (Character.getType(cp) != Character.NON_SPACING_MARK) {
          c.appendCodePoint(cp);
        }
      }
      s = c.toString();
    }
    if (lowercase) {
      // Code point by code point, like Rust's char::to_lowercase (no context rules such as final sigma).
      StringBuilder c = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); ) {
        int cp = s.codePointAt(i);
        i += Character.charCount(cp);
        if (cp == 0x130) {
          c.append("i\u0307");
        } else {
          c.appendCodePoint(Character.toLowerCase(cp));
        }
      }
      s = c.toString();
    }
    return s;
  }

  /** BertPreTokenizer (split on whitespace, isolate punctuation), then WordPiece on each word. */
  private void wordPieces(String normalized, List<Piece> out) {
    int n = normalized.length();
    int i = 0;
    while (i < n) {
      int cp = normalized.codePointAt(i);
      if (isWhitespace(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      if (isPunctuation(cp)) {
        int next = i + Character.charCount(cp);
        word(normalized.substring(i, next), out);
        i = next;
        continue;
      }
      int start = i;
      while (i < n) {
        int c = normalized.codePointAt(i);
        if (isWhitespace(c) || isPunctuation(c)) {
          break;
        }
        i += Character.charCount(c);
      }
      word(normalized.substring(start, i), out);
    }
  }

  /** Greedy longest-match-first word pieces of one word; the whole word is [UNK] if any part has no piece. */
  private void word(String word, List<Piece> out) {
    int chars = word.codePointCount(0, word.length());
    if (chars > maxInputCharsPerWord) {
      out.add(new Piece("[UNK]", unkId));
      return;
    }
    int mark = out.size();
    int start = 0;
    int n = word.length();
    while (start < n) {
      int end = n;
      String found = null;
      Integer foundId = null;
      while (start < end) {
        String sub = word.substring(start, end);
        if (start > 0) {
          sub = continuingPrefix + sub;
        }
        Integer id = vocab.get(sub);
        if (id != null) {
          found = sub;
          foundId = id;
          break;
        }
        // one code point shorter
        end = word.offsetByCodePoints(end, -1);
      }
      if (found == null) {
        while (out.size() > mark) {
          out.remove(out.size() - 1);
        }
        out.add(new Piece("[UNK]", unkId));
        return;
      }
      out.add(new Piece(found, foundId));
      start = end;
    }
  }

  /** Rust's char::is_whitespace (Unicode White_Space), which Hugging Face's Bert rules use. */
  static boolean isWhitespace(int cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
        || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
        || cp == 0x3000;
  }

  /** Hugging Face's is_control: Unicode category C (Cc, Cf, Cs, Co, Cn) except tab, newline and return. */
  static boolean isControl(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return false;
    }
    int type = Character.getType(cp);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
        || type == Character.PRIVATE_USE || type == Character.UNASSIGNED;
  }

  /** ASCII punctuation (symbols included, as in Rust's is_ascii_punctuation) or Unicode category P. */
  static boolean isPunctuation(int cp) {
    if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
          Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION -> true;
      default -> false;
    };
  }

  /** The CJK ideograph blocks BERT puts spaces around. */
  static boolean isChinese(int cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
        || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
        || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
  }
}
