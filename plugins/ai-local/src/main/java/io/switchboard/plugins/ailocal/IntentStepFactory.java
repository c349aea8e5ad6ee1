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
import java.util.concurrent.atomic.AtomicLong;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * The {@code ai.intent} step: the tenant's intent for the interaction's text, found by comparing its
 * sentence embedding (BGE-small-en-v1.5 by default, or all-MiniLM-L6-v2 with {@code model: minilm};
 * in process, {@link BatchEmbedder}) with the embeddings of
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
  /** At most this many cached message embeddings a step (about 1.6 KB each). */
  static final int MAX_CACHE_SIZE = 100_000;

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
    int cacheSize = config.cacheSize();
    if (cacheSize < 0 || cacheSize > MAX_CACHE_SIZE) {
      throw new IllegalArgumentException("cacheSize: must be between 0 and " + MAX_CACHE_SIZE + ", got " + cacheSize);
    }
    BatchEmbedder.Model model;
    try {
      model = BatchEmbedder.Model.of(config.model());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model: " + e.getMessage(), e);
    }
    Map<String, List<String>> examples = examples(config);
    BatchEmbedder embedder = PluginResources.get().embedder(context.configuration(), model);
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
    return new IntentStep(embedder, index, k, threshold, cacheSize);
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
      update(sha, embedder.modelKey());
      for (Map.Entry<String, List<String>> e : examples.entrySet()) {
        update(sha, e.getKey());
        update(sha, Integer.toString(e.getValue().size()));
        for (String text : e.getValue()) {
          update(sha, text);
        }
      }
      return embedder.model().id() + ":" + HexFormat.of().formatHex(sha.digest());
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
    /** Embeddings of recent message texts, least recently used first; null when off. Guarded by itself. */
    private final Map<String, float[]> cache;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong lookups = new AtomicLong();

    IntentStep(BatchEmbedder embedder, ExampleIndex index, int k, double threshold, int cacheSize) {
      this.embedder = embedder;
      this.index = index;
      this.k = k;
      this.threshold = threshold;
      this.cache = cacheSize == 0 ? null : new LinkedHashMap<>(Math.min(cacheSize, 1024) * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
          return size() > cacheSize;
        }
      };
    }

    /** {hits, lookups} of the message cache since the step was created; for the benchmark and logs. */
    long[] cacheStats() {
      return new long[] {hits.get(), lookups.get()};
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
      List<List<ExampleIndex.Scored>> ranked = index.score(embeddings(batch.texts()), k);
      for (int i = 0; i < ranked.size(); i++) {
        batch.executions().get(i).putSignal(SIGNAL, signal(ranked.get(i)));
      }
    }

    /**
     * The texts' embeddings: cached ones from the cache, the others (each distinct text once) in one
     * {@link BatchEmbedder#embed} call. A cached embedding was computed in another batch, so it may
     * differ from this batch's by the model's int8 batching noise (see BatchEmbedder), no more.
     */
    List<float[]> embeddings(List<String> texts) {
      if (cache == null) {
        return Arrays.asList(embedder.embed(texts));
      }
      float[][] out = new float[texts.size()][];
      Map<String, List<Integer>> missing = new LinkedHashMap<>();
      synchronized (cache) {
        for (int i = 0; i < out.length; i++) {
          out[i] = cache.get(texts.get(i));
          if (out[i] == null) {
            missing.computeIfAbsent(texts.get(i), t -> new ArrayList<>(1)).add(i);
          }
        }
      }
      lookups.addAndGet(out.length);
      hits.addAndGet(out.length - missing.values().stream().mapToInt(List::size).sum());
      if (!missing.isEmpty()) {
        List<String> distinct = new ArrayList<>(missing.keySet());
        float[][] embedded = embedder.embed(distinct);
        synchronized (cache) {
          for (int j = 0; j < distinct.size(); j++) {
            cache.put(distinct.get(j), embedded[j]);
            for (int i : missing.get(distinct.get(j))) {
              out[i] = embedded[j];
            }
          }
        }
      }
      return Arrays.asList(out);
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
