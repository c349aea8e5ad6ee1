package io.switchboard.plugins.ailocal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Configuration of {@code ai.language}.
 *
 * @param languages ISO 639-1 codes of the languages to tell apart (at least two); default
 *     {@link #DEFAULT_LANGUAGES}. Fewer languages: less memory, faster, fewer confusions.
 * @param lowAccuracy Lingua's low-accuracy mode: trigrams only, about a tenth of the memory and
 *     faster, but markedly worse on texts under about 120 characters, which is most messages; default false
 * @param minLetters texts with fewer letters than this are {@code unknown}; default {@value #DEFAULT_MIN_LETTERS}
 */
public record LanguageConfig(List<String> languages, Boolean lowAccuracy, Integer minLetters) {

  /** Twenty widely used written languages. */
  public static final List<String> DEFAULT_LANGUAGES = List.of(
      "en", "es", "fr", "de", "it", "pt", "nl", "sv", "pl", "ro",
      "tr", "ru", "uk", "ar", "hi", "zh", "ja", "ko", "vi", "id");

  public static final int DEFAULT_MIN_LETTERS = 3;

  public LanguageConfig {
    // Defaults here, validation in LanguageStepFactory.create, which reports it against the tenant file.
    languages = languages == null ? DEFAULT_LANGUAGES : Collections.unmodifiableList(new ArrayList<>(languages));
    lowAccuracy = lowAccuracy != null && lowAccuracy;
    minLetters = minLetters == null ? DEFAULT_MIN_LETTERS : minLetters;
  }
}
