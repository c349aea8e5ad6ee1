package io.switchboard.vader;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Rule-based sentiment scoring: a faithful Java port of VADER (Valence Aware Dictionary and
 * sEntiment Reasoner), Hutto &amp; Gilbert, ICWSM 2014, following the rules of the reference
 * Python implementation {@code vaderSentiment} 3.3.x (github.com/cjhutto/vaderSentiment, MIT).
 *
 * <p>The lexicon ({@code vader_lexicon.txt}) and the emoji lexicon ({@code emoji_utf8_lexicon.txt})
 * are the reference's own files, shipped as classpath resources next to this class together with
 * their licence ({@code LICENSE-VADER.txt}).
 *
 * <p>The port reproduces the reference's rules, including its quirks, so that scores match it to
 * the digit: emoji are translated to their descriptions code point by code point (so sequences
 * joined with ZWJ or skin-tone modifiers are translated piecewise, as the reference does);
 * tokens are whitespace-split and stripped of ASCII punctuation unless that leaves two characters
 * or fewer; boosters and dampeners (including ALL-CAPS emphasis when the text mixes case) are
 * weighted by distance; negation uses a scalar of -0.74 with the "never so/this" and "without
 * doubt" exceptions, "no" as a negator and "least" (but not "at least"/"very least"); "but" halves
 * the valence of what precedes it and multiplies what follows it by 1.5 (including the reference's
 * lookup-by-value behaviour for repeated values); the reference's special idioms ("the bomb",
 * "bad ass", "yeah right", ...) and the "kind of"/"sort of" dampeners apply; exclamation marks
 * (up to four) and question marks (two or more) amplify; the sum is normalised with
 * {@code x / sqrt(x*x + 15)}. Scores are rounded as the reference rounds them (compound to four
 * decimals, proportions to three, half-even on the exact binary value).
 *
 * <p>Instances are immutable and thread-safe. {@link #load()} reads the lexicons once per class
 * loader and hands back the same instance afterwards.
 */
public final class SentimentAnalyzer {

  /** Classpath resource (relative to this class) holding the word lexicon. */
  static final String LEXICON_RESOURCE = "vader_lexicon.txt";

  /** Classpath resource (relative to this class) holding the emoji lexicon. */
  static final String EMOJI_RESOURCE = "emoji_utf8_lexicon.txt";

  public static final String POSITIVE = "positive";
  public static final String NEUTRAL = "neutral";
  public static final String NEGATIVE = "negative";

  /** The reference's threshold on the compound score for a positive or negative label. */
  public static final double LABEL_THRESHOLD = 0.05;

  /**
   * A score for one text.
   *
   * @param compound normalised, weighted composite score in [-1, 1], rounded to four decimals
   * @param positive proportion of the text that is positive, rounded to three decimals
   * @param neutral proportion of the text that is neutral, rounded to three decimals
   * @param negative proportion of the text that is negative, rounded to three decimals
   * @param label {@code positive} if compound &gt;= 0.05, {@code negative} if compound &lt;= -0.05,
   *     else {@code neutral}
   */
  public record Sentiment(
      double compound, double positive, double neutral, double negative, String label) {

    /** The score of an empty or blank text. */
    public static final Sentiment NONE = new Sentiment(0.0, 0.0, 0.0, 0.0, NEUTRAL);

    /**
     * The score as the hub stores it, {@code signals.sentiment}: {compound, positive, neutral,
     * negative} to four decimals and a label by the given thresholds (the paper's are ±0.05).
     */
    public java.util.Map<String, Object> toSignal(double positiveThreshold, double negativeThreshold) {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("compound", round4(compound));
      m.put("positive", round4(positive));
      m.put("neutral", round4(neutral));
      m.put("negative", round4(negative));
      m.put("label", compound >= positiveThreshold ? POSITIVE : compound <= negativeThreshold ? NEGATIVE : NEUTRAL);
      return m;
    }
  }

  /** Four decimals, as signals are stored. */
  public static double round4(double v) {
    return Math.round(v * 10_000d) / 10_000d;
  }

  // (empirically derived mean sentiment intensity rating increase for booster words)
  private static final double B_INCR = 0.293;
  private static final double B_DECR = -0.293;
  // (empirically derived mean sentiment intensity rating increase for using ALLCAPs to emphasize)
  private static final double C_INCR = 0.733;
  private static final double N_SCALAR = -0.74;
  private static final double ALPHA = 15;

  private static final Set<String> NEGATE =
      Set.of(
          "aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt", "ain't",
          "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't", "dont", "hadnt", "hasnt",
          "havent", "isnt", "mightnt", "mustnt", "neither", "don't", "hadn't", "hasn't", "haven't",
          "isn't", "mightn't", "mustn't", "neednt", "needn't", "never", "none", "nope", "nor",
          "not", "nothing", "nowhere", "oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
          "oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't", "without", "wont",
          "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite");

  /** Booster/dampener "intensifiers" or "degree adverbs", lower case. */
  private static final Map<String, Double> BOOSTER_DICT = boosters();

  /** Special-case idioms and phrases containing lexicon words. */
  private static final Map<String, Double> SPECIAL_CASES =
      Map.of(
          "the shit", 3.0,
          "the bomb", 3.0,
          "bad ass", 1.5,
          "badass", 1.5,
          "bus stop", 0.0,
          "yeah right", -2.0,
          "kiss of death", -1.5,
          "to die for", 3.0,
          "beating heart", 3.1,
          "broken heart", -2.9);

  /** First words of the multi-word keys above: a phrase is only built when its head matches. */
  private static final Set<String> PHRASE_HEADS = phraseHeads();

  private static final String ASCII_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  private static volatile SentimentAnalyzer shared;

  private final Map<String, Double> lexicon;
  private final Map<Integer, String> emojis;
  private final String[] asciiEmojis = new String[0x80];

  private SentimentAnalyzer(Map<String, Double> lexicon, Map<Integer, String> emojis) {
    this.lexicon = lexicon;
    this.emojis = emojis;
    for (int cp = 0; cp < 0x80; cp++) {
      asciiEmojis[cp] = emojis.get(cp);
    }
  }

  /**
   * The analyzer backed by the bundled lexicons. The first call reads them from the classpath;
   * later calls return the same instance.
   *
   * @throws IllegalStateException naming the resource if a lexicon is missing or malformed
   */
  public static SentimentAnalyzer load() {
    SentimentAnalyzer s = shared;
    if (s == null) {
      synchronized (SentimentAnalyzer.class) {
        s = shared;
        if (s == null) {
          s = fromResources(LEXICON_RESOURCE, EMOJI_RESOURCE);
          shared = s;
        }
      }
    }
    return s;
  }

  /** Reads an analyzer from the given resources, relative to this class; uncached. */
  static SentimentAnalyzer fromResources(String lexiconResource, String emojiResource) {
    Map<String, Double> lexicon = parseLexicon(lexiconResource, readResource(lexiconResource));
    Map<Integer, String> emojis = parseEmojis(emojiResource, readResource(emojiResource));
    return new SentimentAnalyzer(lexicon, emojis);
  }

  /** Number of entries in the word lexicon (the reference's dictionary size). */
  int lexiconSize() {
    return lexicon.size();
  }

  /** Number of single-code-point emoji the text is translated from. */
  int emojiCount() {
    return emojis.size();
  }

  /**
   * Scores a text, typically one sentence or one short message. A {@code null}, empty or blank
   * text scores {@link Sentiment#NONE}.
   */
  public Sentiment analyze(String text) {
    if (text == null || text.isEmpty()) {
      return Sentiment.NONE;
    }
    String clean = pyStrip(translateEmojis(text));
    String[] words = words(clean);
    int n = words.length;
    if (n == 0) {
      return Sentiment.NONE;
    }
    Token[] t = new Token[n];
    int allCaps = 0;
    for (int i = 0; i < n; i++) {
      t[i] = new Token(words[i]);
      if (t[i].upper) {
        allCaps++;
      }
    }
    // Some, but not all, words are in ALL CAPS.
    boolean capDiff = allCaps > 0 && allCaps < n;

    double[] sentiments = new double[n];
    for (int i = 0; i < n; i++) {
      Token item = t[i];
      // Words used as modifiers (boosters, "kind of") carry no valence of their own.
      if (item.isBooster()) {
        sentiments[i] = 0;
        continue;
      }
      if (i < n - 1 && item.is("kind") && t[i + 1].is("of")) {
        sentiments[i] = 0;
        continue;
      }
      sentiments[i] = item.inLexicon() ? valence(t, i, capDiff) : 0;
    }
    butCheck(t, sentiments);
    return score(sentiments, clean);
  }

  /**
   * One whitespace-separated token with everything the rules ask about it, looked up once: its
   * lower-case form, whether it is in ALL CAPS, its lexicon valence and its booster value.
   */
  private final class Token {
    final String lower;
    final boolean upper;
    /** Lexicon valence, NaN if the token is not in the lexicon. */
    final double lexicon;
    /** Booster/dampener increment, NaN if the token is not a booster. */
    final double booster;

    Token(String word) {
      this.lower = word.toLowerCase(Locale.ROOT);
      this.upper = isUpper(word);
      Double v = SentimentAnalyzer.this.lexicon.get(lower);
      this.lexicon = v == null ? Double.NaN : v;
      Double b = BOOSTER_DICT.get(lower);
      this.booster = b == null ? Double.NaN : b;
    }

    boolean inLexicon() {
      return !Double.isNaN(lexicon);
    }

    boolean isBooster() {
      return !Double.isNaN(booster);
    }

    boolean is(String lowerCase) {
      return lower.equals(lowerCase);
    }
  }

  private static double valence(Token[] t, int i, boolean capDiff) {
    Token item = t[i];
    int n = t.length;
    double base = item.lexicon;
    double valence = base;
    // "no" as a negation of an adjacent lexicon item rather than a lexicon item itself
    if (item.is("no") && i != n - 1 && t[i + 1].inLexicon()) {
      valence = 0.0;
    }
    if ((i > 0 && t[i - 1].is("no"))
        || (i > 1 && t[i - 2].is("no"))
        || (i > 2 && t[i - 3].is("no") && (t[i - 1].is("or") || t[i - 1].is("nor")))) {
      valence = base * N_SCALAR;
    }
    // a sentiment-laden word in ALL CAPS while others are not
    if (capDiff && item.upper) {
      if (valence > 0) {
        valence += C_INCR;
      } else {
        valence -= C_INCR;
      }
    }
    for (int startI = 0; startI < 3; startI++) {
      // dampen the scalar modifier of preceding words by their distance from the item
      if (i > startI && !t[i - (startI + 1)].inLexicon()) {
        double s = scalarIncDec(t[i - (startI + 1)], valence, capDiff);
        if (startI == 1 && s != 0) {
          s = s * 0.95;
        }
        if (startI == 2 && s != 0) {
          s = s * 0.9;
        }
        valence = valence + s;
        valence = negationCheck(valence, t, startI, i);
        if (startI == 2) {
          valence = specialIdiomsCheck(valence, t, i);
        }
      }
    }
    return leastCheck(valence, t, i);
  }

  private static double scalarIncDec(Token word, double valence, boolean capDiff) {
    if (!word.isBooster()) {
      return 0.0;
    }
    double scalar = word.booster;
    if (valence < 0) {
      scalar *= -1;
    }
    // booster/dampener in ALL CAPS while others are not
    if (capDiff && word.upper) {
      if (valence > 0) {
        scalar += C_INCR;
      } else {
        scalar -= C_INCR;
      }
    }
    return scalar;
  }

  private static double negationCheck(double valence, Token[] t, int startI, int i) {
    if (startI == 0) {
      if (negated(t[i - 1].lower)) {
        valence = valence * N_SCALAR;
      }
    }
    if (startI == 1) {
      if (t[i - 2].is("never") && (t[i - 1].is("so") || t[i - 1].is("this"))) {
        valence = valence * 1.25;
      } else if (t[i - 2].is("without") && t[i - 1].is("doubt")) {
        // "without doubt" is not a negation
      } else if (negated(t[i - 2].lower)) {
        valence = valence * N_SCALAR;
      }
    }
    if (startI == 2) {
      // Same operator precedence as the reference: (never AND so/this) OR (so/this right before).
      if ((t[i - 3].is("never") && (t[i - 2].is("so") || t[i - 2].is("this")))
          || (t[i - 1].is("so") || t[i - 1].is("this"))) {
        valence = valence * 1.25;
      } else if (t[i - 3].is("without") && (t[i - 2].is("doubt") || t[i - 1].is("doubt"))) {
        // "without (a) doubt" is not a negation
      } else if (negated(t[i - 3].lower)) {
        valence = valence * N_SCALAR;
      }
    }
    return valence;
  }

  private static boolean negated(String wordLower) {
    return NEGATE.contains(wordLower) || wordLower.contains("n't");
  }

  private static double specialIdiomsCheck(double valence, Token[] t, int i) {
    String w3 = t[i - 3].lower;
    String w2 = t[i - 2].lower;
    String w1 = t[i - 1].lower;
    String w0 = t[i].lower;
    // onezero, twoonezero, twoone, threetwoone, threetwo: the first match wins
    Double special = phrase(SPECIAL_CASES, w1, w0, null);
    if (special == null) {
      special = phrase(SPECIAL_CASES, w2, w1, w0);
    }
    if (special == null) {
      special = phrase(SPECIAL_CASES, w2, w1, null);
    }
    if (special == null) {
      special = phrase(SPECIAL_CASES, w3, w2, w1);
    }
    if (special == null) {
      special = phrase(SPECIAL_CASES, w3, w2, null);
    }
    if (special != null) {
      valence = special;
    }
    int n = t.length;
    if (n - 1 > i) {
      Double zeroOne = phrase(SPECIAL_CASES, w0, t[i + 1].lower, null);
      if (zeroOne != null) {
        valence = zeroOne;
      }
    }
    if (n - 1 > i + 1) {
      Double zeroOneTwo = phrase(SPECIAL_CASES, w0, t[i + 1].lower, t[i + 2].lower);
      if (zeroOneTwo != null) {
        valence = zeroOneTwo;
      }
    }
    // booster/dampener n-grams such as "sort of" or "kind of": threetwoone, threetwo, twoone
    Double b = phrase(BOOSTER_DICT, w3, w2, w1);
    if (b != null) {
      valence = valence + b;
    }
    b = phrase(BOOSTER_DICT, w3, w2, null);
    if (b != null) {
      valence = valence + b;
    }
    b = phrase(BOOSTER_DICT, w2, w1, null);
    if (b != null) {
      valence = valence + b;
    }
    return valence;
  }

  /** Value of the space-joined phrase in {@code map}, or null; third word optional. */
  private static Double phrase(Map<String, Double> map, String a, String b, String c) {
    if (!PHRASE_HEADS.contains(a)) {
      return null;
    }
    String key = c == null ? a + ' ' + b : a + ' ' + b + ' ' + c;
    return map.get(key);
  }

  private static double leastCheck(double valence, Token[] t, int i) {
    // negation using "least", but not "at least" or "very least"
    if (i > 1 && !t[i - 1].inLexicon() && t[i - 1].is("least")) {
      if (!t[i - 2].is("at") && !t[i - 2].is("very")) {
        valence = valence * N_SCALAR;
      }
    } else if (i > 0 && !t[i - 1].inLexicon() && t[i - 1].is("least")) {
      valence = valence * N_SCALAR;
    }
    return valence;
  }

  /**
   * Contrastive conjunction "but": valence before the first "but" is halved, after it multiplied
   * by 1.5. Mirrors the reference exactly, which locates each value with {@code list.index(value)}
   * (the first equal value) while it rewrites the list in place.
   */
  private static void butCheck(Token[] t, double[] sentiments) {
    int bi = -1;
    for (int k = 0; k < t.length; k++) {
      if (t[k].is("but")) {
        bi = k;
        break;
      }
    }
    if (bi < 0) {
      return;
    }
    for (int k = 0; k < sentiments.length; k++) {
      double sentiment = sentiments[k];
      int si = 0;
      while (sentiments[si] != sentiment) {
        si++;
      }
      if (si < bi) {
        sentiments[si] = sentiment * 0.5;
      } else if (si > bi) {
        sentiments[si] = sentiment * 1.5;
      }
    }
  }

  private static Sentiment score(double[] sentiments, String text) {
    double sumS = 0;
    for (double s : sentiments) {
      sumS += s;
    }
    double punctEmph = amplifyExclamation(text) + amplifyQuestion(text);
    if (sumS > 0) {
      sumS += punctEmph;
    } else if (sumS < 0) {
      sumS -= punctEmph;
    }
    double compound = normalize(sumS);

    double posSum = 0.0;
    double negSum = 0.0;
    int neuCount = 0;
    for (double s : sentiments) {
      if (s > 0) {
        posSum += s + 1; // compensates for neutral words that are counted as 1
      }
      if (s < 0) {
        negSum += s - 1; // with abs(), compensates for neutrals
      }
      if (s == 0) {
        neuCount += 1;
      }
    }
    if (posSum > Math.abs(negSum)) {
      posSum += punctEmph;
    } else if (posSum < Math.abs(negSum)) {
      negSum -= punctEmph;
    }
    double total = posSum + Math.abs(negSum) + neuCount;
    double pos = Math.abs(posSum / total);
    double neg = Math.abs(negSum / total);
    double neu = Math.abs(neuCount / total);

    double c = round(compound, 4);
    return new Sentiment(c, round(pos, 3), round(neu, 3), round(neg, 3), label(c));
  }

  /**
   * The label for a compound score: {@code positive} at or above 0.05, {@code negative} at or below
   * -0.05, {@code neutral} in between (the reference's recommended thresholds).
   */
  static String label(double compound) {
    if (compound >= LABEL_THRESHOLD) {
      return POSITIVE;
    }
    return compound <= -LABEL_THRESHOLD ? NEGATIVE : NEUTRAL;
  }

  private static double amplifyExclamation(String text) {
    // up to four exclamation points
    int count = Math.min(count(text, '!'), 4);
    return count * 0.292;
  }

  private static double amplifyQuestion(String text) {
    // two or three question marks, capped beyond
    int count = count(text, '?');
    if (count > 1) {
      return count <= 3 ? count * 0.18 : 0.96;
    }
    return 0;
  }

  private static int count(String text, char c) {
    int count = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      if (text.charAt(i) == c) {
        count++;
      }
    }
    return count;
  }

  /** Normalises the score to [-1, 1] with alpha approximating the maximum expected value. */
  private static double normalize(double score) {
    double norm = score / Math.sqrt((score * score) + ALPHA);
    if (norm < -1.0) {
      return -1.0;
    }
    return Math.min(norm, 1.0);
  }

  private static final double[] POW10 = {1, 10, 100, 1000, 10000};

  /** Python's {@code round(x, digits)}: half-even on the exact binary value. */
  static double round(double x, int digits) {
    if (x == 0.0 || Double.isNaN(x) || Double.isInfinite(x)) {
      return x;
    }
    double p = POW10[digits];
    double y = x * p;
    if (Math.abs(y) < 1e15) {
      double k = Math.floor(y);
      double frac = y - k;
      // x * p carries at most half an ulp of error: away from a tie, the nearest integer is
      // certain, and k / p is then the double nearest to the decimal, as Python returns it.
      if (Math.abs(frac - 0.5) > 1e-6) {
        // keeps the sign of a result that rounds to zero, as Python does (-0.0)
        return Math.copySign((frac > 0.5 ? k + 1 : k) / p, x);
      }
    }
    double r = new BigDecimal(x).setScale(digits, RoundingMode.HALF_EVEN).doubleValue();
    return Math.copySign(r, x);
  }

  // ---------------------------------------------------------------- text handling

  /** Replaces each emoji code point by its description, as the reference does. */
  private String translateEmojis(String text) {
    StringBuilder out = null;
    boolean prevSpace = true;
    int len = text.length();
    for (int i = 0; i < len; ) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      String description = cp < 0x80 ? asciiEmojis[cp] : emojis.get(cp);
      if (description != null) {
        if (out == null) {
          out = new StringBuilder(len + 32);
          out.append(text, 0, i);
        }
        if (!prevSpace) {
          out.append(' ');
        }
        out.append(description);
        prevSpace = false;
      } else {
        if (out != null) {
          out.append(text, i, next);
        }
        prevSpace = cp == ' ';
      }
      i = next;
    }
    return out == null ? text : out.toString();
  }

  /** Splits on Python whitespace and strips ASCII punctuation from word ends. */
  private static String[] words(String text) {
    List<String> out = new ArrayList<>();
    int len = text.length();
    int i = 0;
    while (i < len) {
      while (i < len && isPyWhitespace(text.charAt(i))) {
        i++;
      }
      if (i >= len) {
        break;
      }
      int start = i;
      while (i < len && !isPyWhitespace(text.charAt(i))) {
        i++;
      }
      out.add(stripPunctuationIfWord(text.substring(start, i)));
    }
    return out.toArray(new String[0]);
  }

  /**
   * Removes leading and trailing ASCII punctuation unless two or fewer characters would remain
   * (then the token was likely an emoticon, kept as is).
   */
  private static String stripPunctuationIfWord(String token) {
    int start = 0;
    int end = token.length();
    while (start < end && isAsciiPunctuation(token.charAt(start))) {
      start++;
    }
    while (end > start && isAsciiPunctuation(token.charAt(end - 1))) {
      end--;
    }
    if (start == 0 && end == token.length()) {
      return token;
    }
    if (token.codePointCount(start, end) <= 2) {
      return token;
    }
    return token.substring(start, end);
  }

  private static boolean isAsciiPunctuation(char c) {
    return c < 0x80 && ASCII_PUNCTUATION.indexOf(c) >= 0;
  }

  /** Python's {@code str.isspace()} for one character. */
  private static boolean isPyWhitespace(char c) {
    if (c <= ' ') {
      return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= '\u001f');
    }
    if (c < 0x85) {
      return false;
    }
    return c == '\u0085'
        || c == '\u00a0'
        || c == '\u1680'
        || (c >= '\u2000' && c <= '\u200a')
        || c == '\u2028'
        || c == '\u2029'
        || c == '\u202f'
        || c == '\u205f'
        || c == '\u3000';
  }

  /** Python's {@code str.strip()} with no argument. */
  private static String pyStrip(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isPyWhitespace(s.charAt(start))) {
      start++;
    }
    while (end > start && isPyWhitespace(s.charAt(end - 1))) {
      end--;
    }
    return start == 0 && end == s.length() ? s : s.substring(start, end);
  }

  /**
   * Python's {@code str.isupper()}: at least one cased character and no lower-case or title-case
   * one.
   */
  private static boolean isUpper(String s) {
    boolean cased = false;
    for (int i = 0, n = s.length(); i < n; ) {
      int cp = s.codePointAt(i);
      if (Character.isLowerCase(cp) || Character.isTitleCase(cp)) {
        return false;
      }
      if (!cased && Character.isUpperCase(cp)) {
        cased = true;
      }
      i += Character.charCount(cp);
    }
    return cased;
  }

  // ---------------------------------------------------------------- loading

  private static byte[] readResource(String name) {
    try (InputStream in = SentimentAnalyzer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "VADER lexicon resource not found on the classpath: "
                + resourcePath(name));
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot read VADER lexicon resource " + resourcePath(name), e);
    }
  }

  private static String resourcePath(String name) {
    return SentimentAnalyzer.class.getPackageName().replace('.', '/') + '/' + name;
  }

  private static List<String> lines(String name, byte[] bytes) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalStateException(
          "VADER lexicon resource is not valid UTF-8: " + resourcePath(name), e);
    }
    // rstrip('\n').split('\n')
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '\n') {
      end--;
    }
    List<String> out = new ArrayList<>();
    int start = 0;
    while (start <= end) {
      int nl = text.indexOf('\n', start);
      if (nl < 0 || nl > end) {
        nl = end;
      }
      out.add(text.substring(start, nl));
      start = nl + 1;
    }
    return out;
  }

  /** One non-empty line of a tab-separated VADER resource: its first two fields. */
  private record Entry(int index, String line, String key, String value) {}

  private static List<Entry> entries(String name, byte[] bytes) {
    List<String> lines = lines(name, bytes);
    List<Entry> out = new ArrayList<>(lines.size());
    for (int k = 0; k < lines.size(); k++) {
      String line = lines.get(k);
      if (line.isEmpty()) {
        continue;
      }
      String[] fields = pyStrip(line).split("\t", -1);
      if (fields.length < 2) {
        throw malformed(name, k, line);
      }
      out.add(new Entry(k, line, fields[0], fields[1]));
    }
    return out;
  }

  private static Map<String, Double> parseLexicon(String name, byte[] bytes) {
    List<Entry> entries = entries(name, bytes);
    Map<String, Double> lexicon = new HashMap<>(entries.size() * 2);
    for (Entry e : entries) {
      try {
        lexicon.put(e.key(), Double.parseDouble(e.value()));
      } catch (NumberFormatException ex) {
        throw malformed(name, e.index(), e.line());
      }
    }
    if (lexicon.isEmpty()) {
      throw new IllegalStateException("VADER lexicon resource is empty: " + resourcePath(name));
    }
    return lexicon;
  }

  private static Map<Integer, String> parseEmojis(String name, byte[] bytes) {
    List<Entry> entries = entries(name, bytes);
    Map<Integer, String> emojis = new HashMap<>(entries.size() * 2);
    for (Entry e : entries) {
      String emoji = e.key();
      // The reference translates the text one code point at a time, so only single-code-point
      // entries can ever match; later entries win, as in a Python dict.
      if (!emoji.isEmpty() && emoji.codePointCount(0, emoji.length()) == 1) {
        emojis.put(emoji.codePointAt(0), e.value());
      }
    }
    if (emojis.isEmpty()) {
      throw new IllegalStateException("VADER emoji resource is empty: " + resourcePath(name));
    }
    return emojis;
  }

  private static IllegalStateException malformed(String name, int index, String line) {
    return new IllegalStateException(
        "malformed line " + (index + 1) + " in VADER resource " + resourcePath(name) + ": " + line);
  }

  private static Map<String, Double> boosters() {
    Map<String, Double> m = new HashMap<>();
    for (String w :
        new String[] {
          "absolutely", "amazingly", "awfully", "completely", "considerable", "considerably",
          "decidedly", "deeply", "effing", "enormous", "enormously", "entirely", "especially",
          "exceptional", "exceptionally", "extreme", "extremely", "fabulously", "flipping",
          "flippin", "frackin", "fracking", "fricking", "frickin", "frigging", "friggin", "fully",
          "fuckin", "fucking", "fuggin", "fugging", "greatly", "hella", "highly", "hugely",
          "incredible", "incredibly", "intensely", "major", "majorly", "more", "most",
          "particularly", "purely", "quite", "really", "remarkably", "so", "substantially",
          "thoroughly", "total", "totally", "tremendous", "tremendously", "uber", "unbelievably",
          "unusually", "utter", "utterly", "very"
        }) {
      m.put(w, B_INCR);
    }
    for (String w :
        new String[] {
          "almost", "barely", "hardly", "just enough", "kind of", "kinda", "kindof", "kind-of",
          "less", "little", "marginal", "marginally", "occasional", "occasionally", "partly",
          "scarce", "scarcely", "slight", "slightly", "somewhat", "sort of", "sorta", "sortof",
          "sort-of"
        }) {
      m.put(w, B_DECR);
    }
    return Map.copyOf(m);
  }

  private static Set<String> phraseHeads() {
    Set<String> heads = new HashSet<>();
    for (String key : SPECIAL_CASES.keySet()) {
      heads.add(key.split(" ")[0]);
    }
    for (String key : BOOSTER_DICT.keySet()) {
      heads.add(key.split(" ")[0]);
    }
    return Set.copyOf(heads);
  }
}
