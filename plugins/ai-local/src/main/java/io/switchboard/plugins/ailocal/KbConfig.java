package io.switchboard.plugins.ailocal;

import java.util.List;

/**
 * Configuration of {@code ai.kb}.
 *
 * @param sources files or globs of the step's own documents, e.g. {@code kb/demo/*.md} and
 *     {@code kb/demo/faq.csv} (relative ones resolve against the plugin setting {@code config-dir},
 *     which the hub sets to its config directory); Markdown or plain text, and {@code .csv} FAQs
 *     with the columns {@code question,answer}. Optional: without it the step searches only the
 *     tenant's documents uploaded through the hub's knowledge-base API.
 * @param topK how many passages the signal carries at most; default {@value #DEFAULT_TOP_K}
 * @param minScore passages scoring below this are left out; default {@value #DEFAULT_MIN_SCORE}
 * @param answerThreshold the best passage's text is the signal's {@code answer} when it scores at
 *     least this; default {@value #DEFAULT_ANSWER_THRESHOLD}
 */
public record KbConfig(List<String> sources, Integer topK, Double minScore, Double answerThreshold) {

  public static final int DEFAULT_TOP_K = 3;
  public static final double DEFAULT_MIN_SCORE = 0.5;
  public static final double DEFAULT_ANSWER_THRESHOLD = 0.75;

  public KbConfig {
    sources = sources == null ? List.of() : List.copyOf(sources.stream().map(s -> s == null ? "" : s).toList());
    topK = topK == null ? DEFAULT_TOP_K : topK;
    minScore = minScore == null ? DEFAULT_MIN_SCORE : minScore;
    answerThreshold = answerThreshold == null ? DEFAULT_ANSWER_THRESHOLD : answerThreshold;
  }
}
