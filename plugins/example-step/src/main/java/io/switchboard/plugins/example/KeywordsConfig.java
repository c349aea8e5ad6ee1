package io.switchboard.plugins.example;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Configuration of the {@code example.keywords} step, bound strictly from the tenant file (unknown
 * fields are errors):
 *
 * <pre>
 * plugins: [example-step]
 * workflow:
 *   steps:
 *     - step: example.keywords
 *       config:
 *         keywords: [refund, cancel, "talk to a human"]
 *         signal: intentKeywords     # optional, default "keywords"
 * </pre>
 *
 * @param keywords words or phrases to look for, matched whole and ignoring case; at least one
 * @param signal the signal the matched keywords go to
 */
public record KeywordsConfig(List<String> keywords, String signal) {

  public static final String DEFAULT_SIGNAL = "keywords";

  public KeywordsConfig {
    // Defaults here, validation in KeywordsStepFactory.create, which reports it against the tenant file.
    keywords = keywords == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(keywords));
    signal = signal == null ? DEFAULT_SIGNAL : signal;
  }
}
