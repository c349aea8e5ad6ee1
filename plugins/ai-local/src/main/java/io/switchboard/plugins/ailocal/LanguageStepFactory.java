package io.switchboard.plugins.ailocal;

import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetector;
import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import org.pf4j.Extension;

/**
 * The {@code ai.language} step: the language of the interaction's text, detected with Lingua
 * (n-gram models, in process) among the configured languages, as the signal {@code language}:
 *
 * <pre>{@code
 * language: {code: fr, confidence: 0.9312}
 * }</pre>
 *
 * <p>{@code code} is the ISO 639-1 code, or {@code unknown} when the text has fewer than
 * {@code minLetters} letters or Lingua cannot decide (a tie). {@code confidence} is how clearly the
 * best language beat the second best: Lingua rates every language relative to the best one (1.0),
 * and the confidence is one minus the runner-up's rating, the relative distance Lingua's own
 * {@code minimumRelativeDistance} is compared with; 0 would be a tie, a clear sentence scores about
 * 0.2 to 0.4, a one-word text under 0.1. Rounded to four decimals, 0.0 for {@code unknown}.
 *
 * <p>Cost: the detector for a set of languages is built once per plugin and shared by the tenants
 * that configure the same set, with all its models loaded up front (in {@link #create}, so the first
 * message does not pay for it). The models are large: high-accuracy mode for the twenty default
 * languages takes a few hundred MB of heap and seconds to load; see docs/ai.md for the figures. It
 * only computes, so a dry run is the same.
 */
@Extension
public class LanguageStepFactory implements StepFactory<LanguageConfig> {

  static final String NAME = "ai.language";
  static final String SIGNAL = "language";
  static final String UNKNOWN = "unknown";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<LanguageConfig> configType() {
    return LanguageConfig.class;
  }

  @Override
  public Step create(LanguageConfig config) {
    if (config.minLetters() < 0) {
      throw new IllegalArgumentException("minLetters: must not be negative, got " + config.minLetters());
    }
    Set<Language> languages = EnumSet.noneOf(Language.class);
    for (int i = 0; i < config.languages().size(); i++) {
      String code = config.languages().get(i);
      Language language = code == null ? null : byIsoCode(code.strip());
      if (language == null) {
        throw new IllegalArgumentException("languages[" + i + "]: '" + code + "' is not an ISO 639-1 code Lingua"
            + " knows; known: " + String.join(", ", knownCodes()));
      }
      languages.add(language);
    }
    if (languages.size() < 2) {
      throw new IllegalArgumentException("languages: give at least two different languages to tell apart");
    }
    LanguageDetector detector = PluginResources.get().detector(languages, config.lowAccuracy());
    int minLetters = config.minLetters();
    return execution -> execution.putSignal(SIGNAL, detect(detector, execution.interaction().text(), minLetters));
  }

  static Map<String, Object> detect(LanguageDetector detector, String text, int minLetters) {
    if (letters(text, minLetters) < minLetters || letters(text, 1) == 0) {
      return unknown();
    }
    SortedMap<Language, Double> confidences = detector.computeLanguageConfidenceValues(text);
    Iterator<Map.Entry<Language, Double>> it = confidences.entrySet().iterator();
    if (!it.hasNext()) {
      return unknown();
    }
    Map.Entry<Language, Double> best = it.next();
    double runnerUp = it.hasNext() ? it.next().getValue() : 0.0;
    // Lingua gives the best language 1.0 and the others their likelihood relative to it.
    double margin = best.getValue() <= 0 ? 0 : 1 - runnerUp / best.getValue();
    if (best.getKey() == Language.UNKNOWN || margin <= 0) {
      // a tie: Lingua's detectLanguageOf answers UNKNOWN too
      return unknown();
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", best.getKey().getIsoCode639_1().toString().toLowerCase(Locale.ROOT));
    m.put("confidence", SentimentStepFactory.round4(margin));
    return m;
  }

  /** Letters in the text, counting up to {@code enough}. */
  private static int letters(String text, int enough) {
    int count = 0;
    for (int i = 0; i < text.length() && count < enough; ) {
      int cp = text.codePointAt(i);
      if (Character.isLetter(cp)) {
        count++;
      }
      i += Character.charCount(cp);
    }
    return count;
  }

  private static Map<String, Object> unknown() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("code", UNKNOWN);
    m.put("confidence", 0.0);
    return m;
  }

  static Language byIsoCode(String code) {
    for (Language l : Language.values()) {
      if (l != Language.UNKNOWN && l.getIsoCode639_1().toString().equalsIgnoreCase(code)) {
        return l;
      }
    }
    return null;
  }

  private static Set<String> knownCodes() {
    Set<String> codes = new TreeSet<>();
    for (Language l : Language.values()) {
      if (l != Language.UNKNOWN) {
        codes.add(l.getIsoCode639_1().toString().toLowerCase(Locale.ROOT));
      }
    }
    return codes;
  }
}
