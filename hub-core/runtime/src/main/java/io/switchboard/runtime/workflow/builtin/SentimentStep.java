package io.switchboard.runtime.workflow.builtin;

import io.switchboard.api.Step;
import io.switchboard.runtime.ai.SentimentAnalyzer;
import io.switchboard.runtime.tenant.Tenant;
import java.util.LinkedHashMap;
import java.util.Map;

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
    return execution -> {
      var s = a.analyze(execution.interaction().text());
      Map<String, Object> signal = new LinkedHashMap<>();
      signal.put("compound", round(s.compound()));
      signal.put("positive", round(s.positive()));
      signal.put("neutral", round(s.neutral()));
      signal.put("negative", round(s.negative()));
      signal.put("label", s.label());
      execution.putSignal("sentiment", signal);
    };
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

  private static double round(double v) {
    return Math.round(v * 10_000d) / 10_000d;
  }
}
