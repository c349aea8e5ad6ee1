package io.switchboard.runtime.ai;

/** TEMPORARY stub until the VADER port lands. */
public final class SentimentAnalyzer {
  public record Sentiment(double compound, double positive, double neutral, double negative, String label) {}

  public static SentimentAnalyzer load() {
    return new SentimentAnalyzer();
  }

  public Sentiment analyze(String text) {
    double c = text != null && text.toLowerCase().contains("love") ? 0.8 : 0.0;
    return new Sentiment(c, c, 1 - c, 0, c > 0.05 ? "positive" : "neutral");
  }
}
