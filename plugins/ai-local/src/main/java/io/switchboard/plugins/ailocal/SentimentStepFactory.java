package io.switchboard.plugins.ailocal;

import io.switchboard.vader.SentimentAnalyzer;

import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import java.util.Map;
import org.pf4j.Extension;

/**
 * The {@code ai.sentiment} step: VADER sentiment of the interaction's text ({@link SentimentAnalyzer},
 * rule-based, English), as the signal {@code sentiment}:
 *
 * <pre>{@code
 * sentiment: {compound: -0.4767, positive: 0.0, neutral: 0.508, negative: 0.492, label: negative}
 * }</pre>
 *
 * <p>{@code compound} is VADER's normalised score in [-1, 1]; {@code positive}, {@code neutral} and
 * {@code negative} are the proportions of the text in each class; all four are rounded to four
 * decimals. {@code label} is {@code positive} when compound is at or above
 * {@code positiveThreshold} (0.05), {@code negative} at or below {@code negativeThreshold} (-0.05),
 * else {@code neutral}. This is the shape the hub's pipeline writes today. An empty text scores
 * all zeros, {@code neutral}. About 10 µs a message; it only computes, so a dry run is the same.
 */
@Extension
public class SentimentStepFactory implements StepFactory<SentimentConfig> {

  static final String NAME = "ai.sentiment";
  static final String SIGNAL = "sentiment";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<SentimentConfig> configType() {
    return SentimentConfig.class;
  }

  @Override
  public Step create(SentimentConfig config) {
    double pos = config.positiveThreshold();
    double neg = config.negativeThreshold();
    if (!(pos > -1 && pos <= 1)) {
      throw new IllegalArgumentException("positiveThreshold: must be in (-1, 1], got " + pos);
    }
    if (!(neg >= -1 && neg < 1)) {
      throw new IllegalArgumentException("negativeThreshold: must be in [-1, 1), got " + neg);
    }
    if (neg >= pos) {
      throw new IllegalArgumentException("negativeThreshold (" + neg + ") must be below positiveThreshold (" + pos + ")");
    }
    SentimentAnalyzer analyzer = SentimentAnalyzer.load();
    return execution -> execution.putSignal(SIGNAL, signal(analyzer.analyze(execution.interaction().text()), pos, neg));
  }

  /** The signal's value for one score. */
  static Map<String, Object> signal(SentimentAnalyzer.Sentiment s, double positiveThreshold, double negativeThreshold) {
    return s.toSignal(positiveThreshold, negativeThreshold);
  }

  /** Four decimals, as the hub's pipeline rounds the signal. */
  static double round4(double v) {
    return SentimentAnalyzer.round4(v);
  }
}
