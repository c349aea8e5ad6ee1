package io.switchboard.plugins.example;

import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * The {@code example.keywords} step: records which of the configured keywords an interaction's text
 * contains, as a list under the configured signal (in configured order and lower case; empty when
 * none matched). It only computes, so a dry run behaves the same.
 */
@Extension
public class KeywordsStepFactory implements StepFactory<KeywordsConfig> {

  static final String NAME = "example.keywords";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<KeywordsConfig> configType() {
    return KeywordsConfig.class;
  }

  @Override
  public Step create(KeywordsConfig config) {
    if (config.keywords().isEmpty()) {
      throw new IllegalArgumentException("keywords: give at least one keyword to look for");
    }
    if (config.signal().isBlank()) {
      throw new IllegalArgumentException("signal: must not be blank");
    }
    // Compiled once per tenant configuration; the Step below is shared by concurrent runs and keeps no state.
    Map<String, Pattern> patterns = new LinkedHashMap<>();
    for (int i = 0; i < config.keywords().size(); i++) {
      String keyword = config.keywords().get(i);
      if (keyword == null || keyword.isBlank()) {
        throw new IllegalArgumentException("keywords[" + i + "]: must not be blank");
      }
      patterns.putIfAbsent(keyword.strip().toLowerCase(Locale.ROOT), wholeWord(keyword.strip()));
    }
    String signal = config.signal();
    return execution -> {
      String text = execution.interaction().text();
      List<String> matched = new ArrayList<>();
      for (Map.Entry<String, Pattern> p : patterns.entrySet()) {
        if (p.getValue().matcher(text).find()) {
          matched.add(p.getKey());
        }
      }
      execution.putSignal(signal, matched);
    };
  }

  /** The phrase, ignoring case, not inside a longer word ("refund" is not in "refunded"). */
  private static Pattern wholeWord(String phrase) {
    return Pattern.compile("(?<![\\p{L}\\p{N}_])" + Pattern.quote(phrase) + "(?![\\p{L}\\p{N}_])",
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }
}
