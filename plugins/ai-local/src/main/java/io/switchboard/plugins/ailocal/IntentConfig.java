package io.switchboard.plugins.ailocal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration of {@code ai.intent}: the tenant's intents, each defined by example utterances.
 *
 * @param intents example utterances by intent name, e.g. {@code {refund: ["I want my money back", ...]}}
 * @param examplesCsv a CSV file of more examples, with a header and the columns {@code text} and
 *     {@code category} (as BANKING77's train.csv); a relative path resolves against the plugin
 *     setting {@code config-dir}, else the working directory. Its examples are added to {@code intents}.
 * @param k how many of each intent's nearest examples are averaged into its score; default 1
 *     (nearest neighbour)
 * @param unknownThreshold the score below which the intent is {@code unknown}; default
 *     {@value #DEFAULT_UNKNOWN_THRESHOLD}
 * @param cacheSize how many distinct message texts the step keeps the embeddings of (least recently
 *     used dropped first), so that a text seen again ("yes", "stop", "thanks") skips the model;
 *     default {@value #DEFAULT_CACHE_SIZE}, 0 turns it off
 * @param model the embedding model: {@code bge-small} (the default; BGE-small-en-v1.5) or
 *     {@code minilm} (all-MiniLM-L6-v2: about half the CPU a message, a few points less accurate;
 *     docs/ai.md)
 */
public record IntentConfig(Map<String, List<String>> intents, String examplesCsv, Integer k, Double unknownThreshold,
    Integer cacheSize, String model) {

  public static final int DEFAULT_K = 1;
  public static final double DEFAULT_UNKNOWN_THRESHOLD = 0.6;
  public static final int DEFAULT_CACHE_SIZE = 1024;
  public static final String DEFAULT_MODEL = "bge-small";

  /** Without {@code cacheSize} and {@code model}: the default cache and model. */
  public IntentConfig(Map<String, List<String>> intents, String examplesCsv, Integer k, Double unknownThreshold) {
    this(intents, examplesCsv, k, unknownThreshold, null, null);
  }

  /** Without {@code model}: BGE-small. */
  public IntentConfig(Map<String, List<String>> intents, String examplesCsv, Integer k, Double unknownThreshold,
      Integer cacheSize) {
    this(intents, examplesCsv, k, unknownThreshold, cacheSize, null);
  }

  public IntentConfig {
    // Defaults here, validation in IntentStepFactory.create, which reports it against the tenant file.
    if (intents == null) {
      intents = Map.of();
    } else {
      Map<String, List<String>> copy = new LinkedHashMap<>();
      intents.forEach((name, examples) ->
          copy.put(name, examples == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(examples))));
      intents = Collections.unmodifiableMap(copy);
    }
    k = k == null ? DEFAULT_K : k;
    unknownThreshold = unknownThreshold == null ? DEFAULT_UNKNOWN_THRESHOLD : unknownThreshold;
    cacheSize = cacheSize == null ? DEFAULT_CACHE_SIZE : cacheSize;
    model = model == null ? DEFAULT_MODEL : model.strip();
  }
}
