package io.switchboard.plugins.ailocal;

import io.switchboard.vader.SentimentAnalyzer;

/**
 * Configuration of {@code ai.sentiment}: the compound-score thresholds of the three labels.
 *
 * @param positiveThreshold compound at or above which the label is {@code positive}; default 0.05
 * @param negativeThreshold compound at or below which the label is {@code negative}; default -0.05
 */
public record SentimentConfig(Double positiveThreshold, Double negativeThreshold) {

  public static final double DEFAULT_POSITIVE = SentimentAnalyzer.LABEL_THRESHOLD;
  public static final double DEFAULT_NEGATIVE = -SentimentAnalyzer.LABEL_THRESHOLD;

  public SentimentConfig {
    // Defaults here, validation in SentimentStepFactory.create, which reports it against the tenant file.
    positiveThreshold = positiveThreshold == null ? DEFAULT_POSITIVE : positiveThreshold;
    negativeThreshold = negativeThreshold == null ? DEFAULT_NEGATIVE : negativeThreshold;
  }
}
