package io.switchboard.plugins.ailocal;

import io.switchboard.api.PluginContext;
import io.switchboard.api.Step;
import io.switchboard.api.StepExecution;
import io.switchboard.api.StepFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * The {@code ai.intent} step: the tenant's intent for the interaction's text, found by comparing its
 * sentence embedding (BGE-small-en-v1.5, in process, {@link BatchEmbedder}) with the embeddings of
 * the tenant's example utterances, as the signal {@code intent}:
 *
 * <pre>{@code
 * intent:
 *   name: refund               # the best intent, or "unknown" when its score is below unknownThreshold
 *   confidence: 0.8731         # the best intent's score
 *   alternatives:              # the three best intents, best first (the first is the best intent)
 *     - {name: refund, score: 0.8731}
 *     - {name: cancel_order, score: 0.7012}
 *     - {name: delivery, score: 0.6544}
 * }</pre>
 *
 * <p>An intent's score is the cosine similarity between the text and its nearest example (with
 * {@code k > 1}, the mean over its {@code k} nearest examples; {@link ExampleIndex}), rounded to
 * four decimals. Cosines of this model are high for any two English sentences (unrelated ones land
 * around 0.3 to 0.6), so the score ranks intents well but is not a probability; pick
 * {@code unknownThreshold} from the tenant's own traffic. An empty or blank text is
 * {@code {name: unknown, confidence: 0.0, alternatives: []}} without running the model.
 *
 * <p>{@link #create} embeds the examples once: the embeddings are cached by model and content in the
 * plugin ({@link PluginResources}), so another tenant with the same examples, or the same tenant's
 * workflow loading again, reuses them. On a miss it embeds the examples there and then (about 1 ms
 * an example on two cores). The step's {@link Step#runBatch} embeds a whole batch of interactions
 * in padded ONNX calls. It only computes, so a dry run is the same.
 */
@Extension
public class IntentStepFactory implements StepFactory<IntentConfig> {

  static final String NAME = "ai.intent";
  static final String SIGNAL = "intent";
  static final String UNKNOWN = "unknown";
  static final int ALTERNATIVES = 3;
  static final int MAX_K = 100;

  /** Plugin setting: the directory relative {@code examplesCsv} paths resolve against. */
  static final String CONFIG_DIR_SETTING = ConfigFiles.CONFIG_DIR_SETTING;

  private final PluginContext context;
  private final Logger log;

  /** The hub passes the plugin's context to a public constructor that takes one. */
  public IntentStepFactory(PluginContext context) {
    this.context = context;
    this.log = context.logger(IntentStepFactory.class);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<IntentConfig> configType() {
    return IntentConfig.class;
  }

  @Override
  public Step create(IntentConfig config) {
    int k = config.k();
    if (k < 1 || k > MAX_K) {
      throw new IllegalArgumentException("k: must be between 1 and " + MAX_K + ", got " + k);
    }
    double threshold = config.unknownThreshold();
    if (!(threshold >= -1 && threshold <= 1)) {
      throw new IllegalArgumentException("unknownThreshold: must be a cosine similarity in [-1, 1], got " + threshold);
    }
    Map<String, List<String>> examples = examples(config);
    BatchEmbedder embedder = PluginResources.get().embedder(context.configuration());
    String key = cacheKey(embedder, examples);
    ExampleIndex index = PluginResources.get().index(key, () -> {
      long started = System.nanoTime();
      List<String> texts = new ArrayList<>();
      examples.values().forEach(texts::addAll);
      ExampleIndex built = ExampleIndex.of(examples, embedder.embed(texts), BatchEmbedder.DIMENSIONS);
      log.info("Embedded {} examples of {} intents in {} ms", built.exampleCount(), built.intentCount(),
          (System.nanoTime() - started) / 1_000_000);
      return built;
    });
    return new IntentStep(embedder, index, k, threshold);
  }

  /** The examples by intent: the inline ones, then the CSV's. */
  private Map<String, List<String>> examples(IntentConfig config) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : config.intents().entrySet()) {
      String name = e.getKey() == null ? "" : e.getKey().strip();
      if (name.isEmpty()) {
        throw new IllegalArgumentException("intents: an intent name must not be blank");
      }
      if (name.equals(UNKNOWN)) {
        throw new IllegalArgumentException("intents: '" + UNKNOWN + "' is what the step answers below"
            + " unknownThreshold; give the intent another name");
      }
      if (e.getValue().isEmpty()) {
        throw new IllegalArgumentException("intents." + name + ": give at least one example utterance");
      }
      List<String> list = out.computeIfAbsent(name, n -> new ArrayList<>());
      for (int i = 0; i < e.getValue().size(); i++) {
        String text = e.getValue().get(i);
        if (text == null || text.isBlank()) {
          throw new IllegalArgumentException("intents." + name + "[" + i + "]: must not be blank");
        }
        list.add(text.strip());
      }
    }
    if (config.examplesCsv() != null) {
      Path file = resolve(config.examplesCsv());
      for (ExamplesCsv.Example ex : ExamplesCsv.read(file, "examplesCsv")) {
        if (ex.intent().equals(UNKNOWN)) {
          throw new IllegalArgumentException("examplesCsv: " + file + ": '" + UNKNOWN + "' is what the step answers"
              + " below unknownThreshold; give the category another name");
        }
        out.computeIfAbsent(ex.intent(), n -> new ArrayList<>()).add(ex.text());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("intents: give at least one intent with example utterances,"
          + " inline or through examplesCsv");
    }
    return out;
  }

  private Path resolve(String csv) {
    return ConfigFiles.file(context, csv, "examplesCsv");
  }

  /** Model, its input length and the examples: two configurations with the same key embed the same. */
  static String cacheKey(BatchEmbedder embedder, Map<String, List<String>> examples) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      update(sha, BatchEmbedder.MODEL_ID);
      update(sha, Integer.toString(embedder.maxTokens()));
      for (Map.Entry<String, List<String>> e : examples.entrySet()) {
        update(sha, e.getKey());
        update(sha, Integer.toString(e.getValue().size()));
        for (String text : e.getValue()) {
          update(sha, text);
        }
      }
      return BatchEmbedder.MODEL_ID + ":" + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void update(MessageDigest sha, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    // length-prefixed, so that ("ab", "c") and ("a", "bc") differ
    sha.update((byte) (b.length >>> 24));
    sha.update((byte) (b.length >>> 16));
    sha.update((byte) (b.length >>> 8));
    sha.update((byte) b.length);
    sha.update(b);
  }

  /** One tenant's configured step; shared by concurrent runs, holds no per-interaction state. */
  static final class IntentStep implements Step {

    private final BatchEmbedder embedder;
    private final ExampleIndex index;
    private final int k;
    private final double threshold;

    IntentStep(BatchEmbedder embedder, ExampleIndex index, int k, double threshold) {
      this.embedder = embedder;
      this.index = index;
      this.k = k;
      this.threshold = threshold;
    }

    ExampleIndex index() {
      return index;
    }

    @Override
    public void run(StepExecution execution) {
      runBatch(List.of(execution));
    }

    /** The batch's texts embedded together ({@link BatchEmbedder#embed}) and scored four at a time. */
    @Override
    public void runBatch(List<? extends StepExecution> executions) {
      TextBatch batch = TextBatch.of(executions, e -> e.putSignal(SIGNAL, blank()));
      if (batch.isEmpty()) {
        return;
      }
      List<List<ExampleIndex.Scored>> ranked = index.score(Arrays.asList(embedder.embed(batch.texts())), k);
      for (int i = 0; i < ranked.size(); i++) {
        batch.executions().get(i).putSignal(SIGNAL, signal(ranked.get(i)));
      }
    }

    private Map<String, Object> signal(List<ExampleIndex.Scored> ranked) {
      ExampleIndex.Scored best = ranked.get(0);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", best.score() >= threshold ? best.intent() : UNKNOWN);
      m.put("confidence", SentimentStepFactory.round4(best.score()));
      List<Map<String, Object>> alternatives = new ArrayList<>();
      for (ExampleIndex.Scored s : ranked.subList(0, Math.min(ALTERNATIVES, ranked.size()))) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", s.intent());
        a.put("score", SentimentStepFactory.round4(s.score()));
        alternatives.add(a);
      }
      m.put("alternatives", alternatives);
      return m;
    }

    private static Map<String, Object> blank() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", UNKNOWN);
      m.put("confidence", 0.0);
      m.put("alternatives", List.of());
      return m;
    }
  }
}
