package io.switchboard.runtime.workflow.builtin;

import io.switchboard.api.Step;
import io.switchboard.vader.SentimentAnalyzer;
import io.switchboard.runtime.tenant.Tenant;

/**
 * {@code ai.sentiment}: VADER sentiment as {@code signals.sentiment} = {compound, positive, neutral,
 * negative, label}. A hub step until the ai-local plugin takes it over (ADR 0004).
 */
final class SentimentStep implements BuiltinSteps.Builtin<Void> {

  private static volatile SentimentAnalyzer analyzer;

  @Override
  public String name() {
    return "ai.sentiment";
  }

  @Override
  public Class<Void> configType() {
    return Void.class;
  }

  @Override
  public Step create(Void config, Tenant tenant) {
    SentimentAnalyzer a = analyzer();
    return execution -> execution.putSignal("sentiment", a.analyze(execution.interaction().text())
        .toSignal(SentimentAnalyzer.LABEL_THRESHOLD, -SentimentAnalyzer.LABEL_THRESHOLD));
  }

  /** The lexicon is loaded once, the first time a tenant uses the step. */
  private static SentimentAnalyzer analyzer() {
    SentimentAnalyzer a = analyzer;
    if (a == null) {
      synchronized (SentimentStep.class) {
        a = analyzer;
        if (a == null) {
          a = SentimentAnalyzer.load();
          analyzer = a;
        }
      }
    }
    return a;
  }
}
