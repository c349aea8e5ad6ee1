package io.switchboard.plugins.ailocal;

import com.github.pemistahl.lingua.api.Language;
import com.github.pemistahl.lingua.api.LanguageDetector;
import com.github.pemistahl.lingua.api.LanguageDetectorBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the plugin's steps share, created on first use and released by {@link AiLocalPlugin#stop()}:
 * the embedding model's ONNX session, the example embeddings of {@code ai.intent} configurations
 * (by content, so that tenants with the same examples and workflow reloads embed them once), and
 * the Lingua detectors of {@code ai.language} (by language set and mode), and the tenants'
 * knowledge-base passages ({@link KnowledgeBase}, {@code ai.kb}).
 *
 * <p>One instance per class loader, which is one per loaded plugin: the hub loads each plugin in
 * its own class loader, so this static holder is the plugin's, not the hub's. Thread-safe.
 */
final class PluginResources {

  private static final Logger LOG = LoggerFactory.getLogger(PluginResources.class);

  /** Plugin settings (switchboard.plugins.ai-local.NAME) read when the model is first loaded. */
  static final String THREADS_SETTING = "threads";
  static final String MAX_TOKENS_SETTING = "max-tokens";
  static final String BATCH_SIZE_SETTING = "batch-size";
  /** {@code approximate} (the default: ONNX Runtime's tanh GELU, faster) or {@code exact} (the model's erf GELU). */
  static final String GELU_SETTING = "gelu";

  /** Example sets kept for reuse; a step keeps its own set alive whether or not it is still cached. */
  static final int MAX_CACHED_EXAMPLE_SETS = 64;

  private static final PluginResources INSTANCE = new PluginResources();

  // Guarded by this.
  /**
   * By model and settings: a hub passes the plugin one configuration, so this holds one embedder a
   * model (BGE-small for the knowledge base and ai.intent's default, MiniLM once a tenant's
   * ai.intent asks for it); a benchmark may compare two settings in one process.
   */
  private final Map<String, BatchEmbedder> embedders = new HashMap<>();
  private final Map<String, CompletableFuture<ExampleIndex>> indexes = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<ExampleIndex>> eldest) {
      return size() > MAX_CACHED_EXAMPLE_SETS;
    }
  };
  private final Map<String, LanguageDetector> detectors = new HashMap<>();
  private int indexMisses;
  private final TenantKnowledge knowledge = new TenantKnowledge();

  private PluginResources() {}

  static PluginResources get() {
    return INSTANCE;
  }

  /**
   * The shared embedder for these plugin settings ({@value #THREADS_SETTING}, default the number of
   * cores; {@value #MAX_TOKENS_SETTING}, default 128; {@value #BATCH_SIZE_SETTING}, default 64;
   * {@value #GELU_SETTING}, default {@code approximate}), loaded on the first call; later calls with
   * the same settings return the same one. BGE-small ({@link BatchEmbedder.Model#BGE_SMALL}).
   */
  BatchEmbedder embedder(Map<String, String> settings) {
    return embedder(settings, BatchEmbedder.Model.BGE_SMALL);
  }

  /** As {@link #embedder(Map)}, for the given model: one embedder a model and settings, shared by all steps. */
  synchronized BatchEmbedder embedder(Map<String, String> settings, BatchEmbedder.Model model) {
    int threads = intSetting(settings, THREADS_SETTING, Runtime.getRuntime().availableProcessors(), 1, 64);
    int maxTokens = intSetting(settings, MAX_TOKENS_SETTING, BatchEmbedder.DEFAULT_MAX_TOKENS, 8, 512);
    int batch = intSetting(settings, BATCH_SIZE_SETTING, BatchEmbedder.DEFAULT_BATCH_SIZE, 1, 1024);
    String gelu = settings.getOrDefault(GELU_SETTING, "approximate").strip();
    if (!gelu.equals("approximate") && !gelu.equals("exact")) {
      throw new IllegalArgumentException("plugin setting " + GELU_SETTING + " must be approximate or exact, got '"
          + gelu + "'");
    }
    String key = model.id() + "/" + threads + "/" + maxTokens + "/" + batch + "/" + gelu;
    BatchEmbedder embedder = embedders.get(key);
    if (embedder == null) {
      long start = System.nanoTime();
      embedder = BatchEmbedder.load(model, threads, maxTokens, batch, gelu.equals("exact"));
      embedders.put(key, embedder);
      LOG.info("Loaded {} ({} model calls at once, one core each, at most {} tokens a text, batches of {}, {} GELU)"
          + " in {} ms", model.id(), threads, maxTokens, batch, gelu, (System.nanoTime() - start) / 1_000_000);
    }
    return embedder;
  }

  private static int intSetting(Map<String, String> settings, String name, int fallback, int min, int max) {
    String v = settings.get(name);
    if (v == null || v.isBlank()) {
      return fallback;
    }
    try {
      int i = Integer.parseInt(v.strip());
      if (i < min || i > max) {
        throw new IllegalArgumentException("plugin setting " + name + " must be between " + min + " and " + max
            + ", got " + i);
      }
      return i;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("plugin setting " + name + " must be a whole number, got '" + v + "'");
    }
  }

  /**
   * The example index cached under {@code key}, or the one {@code build} makes (once, however many
   * callers ask for the same key at the same time; a failed build is not cached).
   */
  ExampleIndex index(String key, Supplier<ExampleIndex> build) {
    CompletableFuture<ExampleIndex> future;
    boolean mine = false;
    synchronized (this) {
      future = indexes.get(key);
      if (future == null) {
        future = new CompletableFuture<>();
        indexes.put(key, future);
        indexMisses++;
        mine = true;
      }
    }
    if (mine) {
      try {
        future.complete(build.get());
      } catch (RuntimeException | Error e) {
        synchronized (this) {
          indexes.remove(key, future);
        }
        future.completeExceptionally(e);
        throw e;
      }
    }
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** The tenants' knowledge-base passages, shared by {@link KnowledgeBase} and the ai.kb steps. */
  TenantKnowledge knowledge() {
    return knowledge;
  }

  /** How many example sets were embedded (cache misses) since the plugin started; for tests. */
  synchronized int indexMisses() {
    return indexMisses;
  }

  /** A Lingua detector for exactly these languages, built (with its models preloaded) on first use. */
  LanguageDetector detector(Set<Language> languages, boolean lowAccuracy) {
    List<String> names = new ArrayList<>();
    for (Language l : languages) {
      names.add(l.name());
    }
    names.sort(null);
    String key = (lowAccuracy ? "low:" : "high:") + String.join(",", names);
    synchronized (this) {
      LanguageDetector d = detectors.get(key);
      if (d == null) {
        long start = System.nanoTime();
        LanguageDetectorBuilder b = LanguageDetectorBuilder.fromLanguages(languages.toArray(new Language[0]))
            .withPreloadedLanguageModels();
        if (lowAccuracy) {
          b = b.withLowAccuracyMode();
        }
        d = b.build();
        detectors.put(key, d);
        LOG.info("Built a Lingua detector for {} languages ({} accuracy) in {} ms", languages.size(),
            lowAccuracy ? "low" : "high", (System.nanoTime() - start) / 1_000_000);
      }
      return d;
    }
  }

  /** Closes the ONNX session and drops the cached embeddings and language models. */
  synchronized void close() {
    for (BatchEmbedder embedder : embedders.values()) {
      try {
        embedder.close();
      } catch (RuntimeException e) {
        LOG.warn("Closing the embedding model failed; its native memory is freed when the plugin is unloaded", e);
      }
    }
    embedders.clear();
    indexes.clear();
    // the hub upserts every document again when the plugin starts again
    knowledge.clear();
    for (LanguageDetector d : detectors.values()) {
      // Lingua keeps its language models in static maps; this releases them.
      d.unloadLanguageModels();
    }
    detectors.clear();
  }
}
