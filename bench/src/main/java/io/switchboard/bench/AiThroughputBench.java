package io.switchboard.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import io.switchboard.api.Interaction;
import io.switchboard.api.PluginContext;
import io.switchboard.api.Step;
import io.switchboard.plugins.ailocal.BatchEmbedder;
import io.switchboard.plugins.ailocal.IntentConfig;
import io.switchboard.plugins.ailocal.IntentStepFactory;
import io.switchboard.plugins.ailocal.LanguageConfig;
import io.switchboard.plugins.ailocal.LanguageStepFactory;
import io.switchboard.plugins.ailocal.SentimentConfig;
import io.switchboard.plugins.ailocal.SentimentStepFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.slf4j.Logger;

/**
 * Throughput of the ai-local steps (docs/benchmarks.md, "AI throughput"): the embedder's settings
 * against BANKING77 accuracy, each AI step's cost per message, and all AI steps in sequence over
 * the same messages, each next to the previous code path measured in the same run and rounds.
 *
 * <p>{@code java -cp ... io.switchboard.bench.AiThroughputBench DATA_DIR [--rounds N] [--messages N]
 * [--accuracy false] [--only models]}; {@code --only models} runs only the model comparison (BGE-small
 * against all-MiniLM-L6-v2: accuracy, macro-F1 and cost, interleaved). The rounds are interleaved (every variant once a round) and medians printed,
 * because the machine's cores are shared with other work.
 */
public final class AiThroughputBench {

  /** Short replies real traffic repeats; the repeat mix draws 30% of its messages from them. */
  static final List<String> SHORT_REPLIES = List.of("yes", "no", "stop", "thanks", "thank you", "ok", "help",
      "Yes please", "STOP", "cancel", "hi", "hello", "ok thanks", "y", "n", "what?", "call me", "unsubscribe",
      "great, thanks!", "no thanks");
  static final double REPEAT_SHARE = 0.3;

  private AiThroughputBench() {}

  /** An embedder setting compared on accuracy and speed. */
  record Setting(String label, boolean exactGelu, int maxTokens) {
    Map<String, String> plugin() {
      return Map.of("gelu", exactGelu ? "exact" : "approximate", "max-tokens", Integer.toString(maxTokens));
    }
  }

  static final Setting BEFORE = new Setting("exact GELU, 128 tokens (as before)", true, 128);
  static final Setting NOW = new Setting("approximate GELU, 128 tokens (default)", false, 128);

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: AiThroughputBench DATA_DIR [--rounds N] [--messages N] [--accuracy false]"
          + " [--only models]");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    int rounds = 5;
    int messages = 2000;
    boolean accuracy = true;
    String only = "";
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--messages" -> messages = Integer.parseInt(args[i + 1]);
        case "--accuracy" -> accuracy = Boolean.parseBoolean(args[i + 1]);
        case "--only" -> only = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Machine m = Machine.describe();
    System.out.println("# ai-local throughput");
    System.out.println("machine: " + m.oneLine());
    System.out.println("jvm: " + m.vm() + ", " + m.jvmArgs());
    System.out.println();
    List<AiQualityBench.Labelled> rows = AiQualityBench.banking(data.resolve("banking77/train.csv"));
    if (only.equals("models")) {
      models(rows, messages, rounds, accuracy);
      return;
    }
    if (!only.isEmpty()) {
      throw new IllegalArgumentException("--only: models is the only section that runs alone, got " + only);
    }
    if (accuracy) {
      accuracy(rows);
    }
    cost(rows, messages, rounds);
  }

  // -------------------------------------------------------------------------------------- accuracy

  static void accuracy(List<AiQualityBench.Labelled> rows) {
    System.out.println("## embedder settings: BANKING77 5-fold CV accuracy (train.csv, 10,003 texts, same folds as"
        + " AiQualityBench) and embeddings against the exact model's");
    Folds cv = Folds.of(rows);
    List<String> labels = cv.labels();
    int[] y = cv.y();
    List<String> texts = cv.texts();
    int[] fold = cv.fold();
    System.out.printf("%-42s %9s %9s %13s %13s %9s%n", "setting", "1-NN", "k=3", "cos min", "cos mean", "texts/s");
    float[][] reference = null;
    for (Setting s : List.of(BEFORE, NOW, new Setting("approximate GELU, 64 tokens", false, 64),
        new Setting("exact GELU, 64 tokens", true, 64))) {
      try (BatchEmbedder e = BatchEmbedder.load(Runtime.getRuntime().availableProcessors(), s.maxTokens(),
          BatchEmbedder.DEFAULT_BATCH_SIZE, s.exactGelu())) {
        long t0 = System.nanoTime();
        float[][] x = e.embed(texts);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (reference == null) {
          reference = x;
        }
        double min = 1;
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
          double c = dot(x[i], reference[i]);
          min = Math.min(min, c);
          sum += c;
        }
        double[] acc = new double[2];
        AiQualityBench.Variant[] variants = {AiQualityBench.Variant.NN1, AiQualityBench.Variant.KNN3};
        for (int v = 0; v < 2; v++) {
          int correct = 0;
          for (int f = 0; f < 5; f++) {
            int ff = f;
            int[] train = IntStream.range(0, y.length).filter(i -> fold[i] != ff).toArray();
            int[] test = IntStream.range(0, y.length).filter(i -> fold[i] == ff).toArray();
            int[] p = AiQualityBench.predict(x, y, labels.size(), train, x, test, variants[v]);
            for (int i = 0; i < test.length; i++) {
              correct += p[i] == y[test[i]] ? 1 : 0;
            }
          }
          acc[v] = 100.0 * correct / y.length;
        }
        System.out.printf("%-42s %8.2f%% %8.2f%% %13.5f %13.5f %9.0f%n", s.label(), acc[0], acc[1], min,
            sum / x.length, x.length / seconds);
      }
    }
    System.out.println("(all 10,003 texts in one embed call; cosine against the first setting's embeddings of the same"
        + " call; texts/s is one measurement each, while the machine may be shared)");
    System.out.println();
  }

  // ---------------------------------------------------------------------------------------- models

  /**
   * ai.intent's two models side by side: BANKING77 5-fold accuracy and macro-F1 (the quality bench's
   * folds), the best score of the right answers (where an unknownThreshold starts to cost), then the
   * embedder and the step at batch 64 in interleaved rounds.
   */
  static void models(List<AiQualityBench.Labelled> rows, int n, int rounds, boolean accuracy) throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    List<BatchEmbedder.Model> models = List.of(BatchEmbedder.Model.BGE_SMALL, BatchEmbedder.Model.MINILM);
    Map<BatchEmbedder.Model, BatchEmbedder> embedders = new LinkedHashMap<>();
    for (BatchEmbedder.Model model : models) {
      embedders.put(model, BatchEmbedder.load(model, cores, BatchEmbedder.DEFAULT_MAX_TOKENS,
          BatchEmbedder.DEFAULT_BATCH_SIZE, false));
    }
    if (accuracy) {
      System.out.println("## ai.intent models: BANKING77 5-fold CV (train.csv, 10,003 texts, same folds as"
          + " AiQualityBench), approximate GELU, 128 tokens");
      Folds cv = Folds.of(rows);
      List<String> labels = cv.labels();
      int[] y = cv.y();
      List<String> texts = cv.texts();
      int[] fold = cv.fold();
      System.out.printf("%-10s %9s %9s %9s %9s %14s %14s %9s%n", "model", "1-NN acc", "1-NN mF1", "k=3 acc",
          "k=3 mF1", "right: p1 best", "right: p5 best", "texts/s");
      for (BatchEmbedder.Model model : models) {
        BatchEmbedder e = embedders.get(model);
        long t0 = System.nanoTime();
        float[][] x = e.embed(texts);
        double seconds = (System.nanoTime() - t0) / 1e9;
        AiQualityBench.Variant[] variants = {AiQualityBench.Variant.NN1, AiQualityBench.Variant.KNN3};
        double[] acc = new double[2];
        double[] f1 = new double[2];
        List<Double> rightBest = new ArrayList<>();
        for (int v = 0; v < 2; v++) {
          int[] pred = new int[y.length];
          for (int f = 0; f < 5; f++) {
            int ff = f;
            int[] train = IntStream.range(0, y.length).filter(i -> fold[i] != ff).toArray();
            int[] test = IntStream.range(0, y.length).filter(i -> fold[i] == ff).toArray();
            int[] p = AiQualityBench.predict(x, y, labels.size(), train, x, test, variants[v]);
            for (int i = 0; i < test.length; i++) {
              pred[test[i]] = p[i];
            }
            if (v == 0) {
              // 1-NN's score of a right answer: its nearest training example's cosine
              int[] right = IntStream.range(0, test.length).filter(i -> p[i] == y[test[i]]).map(i -> test[i]).toArray();
              double[] best = IntStream.of(right).parallel().mapToDouble(q -> {
                double b = -1;
                for (int t : train) {
                  b = Math.max(b, dot(x[q], x[t]));
                }
                return b;
              }).toArray();
              for (double b : best) {
                rightBest.add(b);
              }
            }
          }
          AiQualityBench.Scores sc = AiQualityBench.Scores.of(y, pred, labels.size());
          acc[v] = 100 * sc.accuracy();
          f1[v] = 100 * sc.macroF1();
        }
        Collections.sort(rightBest);
        System.out.printf("%-10s %8.2f%% %8.2f%% %8.2f%% %8.2f%% %14.3f %14.3f %9.0f%n", model.configName(), acc[0],
            f1[0], acc[1], f1[1], rightBest.get(rightBest.size() / 100), rightBest.get(rightBest.size() / 20),
            x.length / seconds);
      }
      System.out.println("(mF1: macro-F1 over the 77 intents; right: p1/p5 best: the 1st/5th percentile of the"
          + " cosine of a right 1-NN answer to its example, i.e. an unknownThreshold there turns 1%/5% of right"
          + " answers into unknown; texts/s: one embed call of all 10,003, one measurement, machine shared)");
      System.out.println();
    }

    List<String> all = new ArrayList<>(rows.stream().map(AiQualityBench.Labelled::text).toList());
    Collections.shuffle(all, new Random(AiQualityBench.SEED));
    List<String> distinct = all.subList(0, Math.min(n, all.size()));
    List<Interaction> distinctIn = distinct.stream().map(AiQualityBench::interaction).toList();
    Map<String, List<String>> fewShot = new LinkedHashMap<>();
    for (AiQualityBench.Labelled r : rows) {
      List<String> f = fewShot.computeIfAbsent(r.label(), k -> new ArrayList<>());
      if (f.size() < 10) {
        f.add(r.text());
      }
    }
    IntentStepFactory factory = new IntentStepFactory(new Settings(NOW.plugin()));
    Map<String, Work> work = new LinkedHashMap<>();
    for (BatchEmbedder.Model model : models) {
      BatchEmbedder e = embedders.get(model);
      Step intent = factory.create(new IntentConfig(fewShot, null, null, null, 0, model.configName()));
      work.put("embedder " + model.configName() + ", calls of 64", () -> calls(e, distinct));
      work.put("ai.intent model: " + model.configName() + " @64", () -> pipeline(List.of(intent), distinctIn, 64));
      calls(e, distinct.subList(0, 256));
      pipeline(List.of(intent), distinctIn.subList(0, 256), 64);
    }
    System.out.println("## ai.intent models: cost per message, " + distinct.size() + " distinct BANKING77 texts,"
        + " median of " + rounds + " interleaved rounds (every row once a round), wall clock and process CPU");
    System.out.println("ai.intent: 770 examples (10 per intent), message cache off; approximate GELU, 128 tokens");
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      System.err.println("round " + (round + 1) + " of " + rounds);
      for (Map.Entry<String, Work> e : work.entrySet()) {
        results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(AiQualityBench.measure(distinct.size(),
            e.getValue()::run));
      }
    }
    System.out.printf("%-40s %10s %10s %12s %9s %16s%n", "what", "µs/msg", "msgs/s", "CPU µs/msg", "CPU/wall",
        "msgs/s, " + cores + " cores");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      double[] med = AiQualityBench.median(e.getValue());
      System.out.printf("%-40s %10.0f %10.0f %12.0f %9.2f %16.0f%n", e.getKey(), med[0], 1e6 / med[0], med[1],
          med[1] / med[0], cores * 1e6 / med[1]);
    }
    System.out.println("(msgs/s, N cores: projected on N free cores from the CPU time, N * 1e6 / CPU µs; the wall"
        + " clock figures are of a shared machine)");
    embedders.values().forEach(BatchEmbedder::close);
  }

  /** BANKING77 as class indices, with the quality bench's stratified 5 folds. */
  record Folds(List<String> labels, int[] y, List<String> texts, int[] fold) {
    static Folds of(List<AiQualityBench.Labelled> rows) {
      List<String> labels = rows.stream().map(AiQualityBench.Labelled::label).distinct().sorted().toList();
      Map<String, Integer> index = new LinkedHashMap<>();
      for (int i = 0; i < labels.size(); i++) {
        index.put(labels.get(i), i);
      }
      int[] y = rows.stream().mapToInt(r -> index.get(r.label())).toArray();
      List<String> texts = rows.stream().map(AiQualityBench.Labelled::text).toList();
      return new Folds(labels, y, texts, AiQualityBench.stratifiedFolds(y, labels.size(), 5,
          new Random(AiQualityBench.SEED)));
    }
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  // ------------------------------------------------------------------------------------------ cost

  static void cost(List<AiQualityBench.Labelled> rows, int n, int rounds) throws Exception {
    List<String> all = new ArrayList<>(rows.stream().map(AiQualityBench.Labelled::text).toList());
    Collections.shuffle(all, new Random(AiQualityBench.SEED));
    List<String> distinct = all.subList(0, Math.min(n, all.size()));
    // The repeat mix: 30% short replies, 70% BANKING77 texts not in the distinct set, each once.
    Random random = new Random(AiQualityBench.SEED + 1);
    List<String> mix = new ArrayList<>();
    int fresh = Math.min(n, all.size());
    for (int i = 0; i < n; i++) {
      mix.add(random.nextDouble() < REPEAT_SHARE || fresh >= all.size()
          ? SHORT_REPLIES.get(random.nextInt(SHORT_REPLIES.size())) : all.get(fresh++));
    }
    int mixDistinct = new HashSet<>(mix).size();
    List<Interaction> distinctIn = distinct.stream().map(AiQualityBench::interaction).toList();
    List<Interaction> mixIn = mix.stream().map(AiQualityBench::interaction).toList();

    Map<String, List<String>> fewShot = new LinkedHashMap<>();
    Map<String, List<String>> allExamples = new LinkedHashMap<>();
    for (AiQualityBench.Labelled r : rows) {
      List<String> f = fewShot.computeIfAbsent(r.label(), k -> new ArrayList<>());
      if (f.size() < 10) {
        f.add(r.text());
      }
      allExamples.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r.text());
    }
    IntentStepFactory now = new IntentStepFactory(new Settings(NOW.plugin()));
    BatchEmbedder embedderPrevious = BatchEmbedder.loadPrevious(Runtime.getRuntime().availableProcessors(), 128,
        BatchEmbedder.DEFAULT_BATCH_SIZE);
    Step intentBefore = new PreviousIntent(embedderPrevious, fewShot);
    Step intentNow = now.create(new IntentConfig(fewShot, null, null, null, 0));
    Step intentAllNow = now.create(new IntentConfig(allExamples, null, null, null, 0));
    Step sentiment = new SentimentStepFactory().create(new SentimentConfig(null, null));
    Step language = new LanguageStepFactory().create(new LanguageConfig(null, null, null));
    BatchEmbedder embedderBefore = BatchEmbedder.load(Runtime.getRuntime().availableProcessors(), 128,
        BatchEmbedder.DEFAULT_BATCH_SIZE, true);
    BatchEmbedder embedderNow = BatchEmbedder.load(Runtime.getRuntime().availableProcessors(), 128,
        BatchEmbedder.DEFAULT_BATCH_SIZE, false);
    BgeSmallEnV15QuantizedEmbeddingModel langchain = new BgeSmallEnV15QuantizedEmbeddingModel();
    List<TextSegment> segments = distinct.stream().map(TextSegment::from).toList();

    System.out.println("## cost per message: " + distinct.size() + " distinct BANKING77 texts (no cache), median of "
        + rounds + " interleaved rounds, wall clock and process CPU");
    System.out.println("ai.intent: 770 examples (10 per intent) unless said; every ai.intent row but the last"
        + " section's has its message cache off (cacheSize: 0)");
    System.out.println("ai.kb: not in plugins/ai-local at this commit, not measured");
    Map<String, Work> work = new LinkedHashMap<>();
    work.put("embedder, previous (before), calls of 64", () -> calls(embedderPrevious, distinct));
    work.put("embedder, scheduled, exact GELU, calls of 64", () -> calls(embedderBefore, distinct));
    work.put("embedder, scheduled, approx. GELU (now), calls of 64", () -> calls(embedderNow, distinct));
    work.put("embedder, previous (before), one call of all", () -> embedderPrevious.embed(distinct));
    work.put("embedder, now, one call of all", () -> embedderNow.embed(distinct));
    work.put("embedder, LangChain4j embedAll (baseline)", () -> langchain.embedAll(segments));
    work.put("ai.sentiment @64", () -> pipeline(List.of(sentiment), distinctIn, 64));
    work.put("ai.language (20 languages) @64", () -> pipeline(List.of(language), distinctIn, 64));
    work.put("ai.intent, previous embedder (before) @64", () -> pipeline(List.of(intentBefore), distinctIn, 64));
    work.put("ai.intent (now) @64", () -> pipeline(List.of(intentNow), distinctIn, 64));
    work.put("ai.intent (now) @1", () -> pipeline(List.of(intentNow), distinctIn, 1));
    work.put("ai.intent (now), 10,003 examples @64", () -> pipeline(List.of(intentAllNow), distinctIn, 64));
    work.put("all AI steps, previous embedder (before) @64", () -> pipeline(List.of(language, sentiment, intentBefore),
        distinctIn, 64));
    work.put("all AI steps (now) @64", () -> pipeline(List.of(language, sentiment, intentNow), distinctIn, 64));
    work.put("all AI steps (now) @1", () -> pipeline(List.of(language, sentiment, intentNow), distinctIn, 1));
    // The repeat mix: a fresh step (empty cache) each round, so that every round sees the same hits.
    work.put("mix: ai.intent (now), no cache @64", () -> pipeline(List.of(intentNow), mixIn, 64));
    work.put("mix: ai.intent (now), cache @64", () -> pipeline(List.of(now.create(
        new IntentConfig(fewShot, null, null, null))), mixIn, 64));
    work.put("mix: all AI steps (now), no cache @64", () -> pipeline(List.of(language, sentiment, intentNow), mixIn,
        64));
    work.put("mix: all AI steps (now), cache @64", () -> pipeline(List.of(language, sentiment, now.create(
        new IntentConfig(fewShot, null, null, null))), mixIn, 64));

    // Warm-up: every variant once on a slice.
    calls(embedderBefore, distinct.subList(0, 256));
    calls(embedderPrevious, distinct.subList(0, 256));
    calls(embedderNow, distinct.subList(0, 256));
    langchain.embedAll(segments.subList(0, 100));
    for (Step s : List.of(sentiment, language, intentBefore, intentNow, intentAllNow)) {
      pipeline(List.of(s), distinctIn.subList(0, 256), 64);
      pipeline(List.of(s), distinctIn.subList(0, 32), 1);
    }
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      System.err.println("round " + (round + 1) + " of " + rounds);
      for (Map.Entry<String, Work> e : work.entrySet()) {
        int items = e.getKey().startsWith("mix") ? mixIn.size() : distinct.size();
        results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(AiQualityBench.measure(items, e.getValue()::run));
      }
    }
    System.out.printf("%-46s %10s %10s %12s %9s%n", "what", "µs/msg", "msgs/s", "CPU µs/msg", "CPU/wall");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      if (e.getKey().equals("mix: ai.intent (now), no cache @64")) {
        System.out.printf("repeat mix (labelled, synthetic): %d messages, %.0f%% drawn from %d short replies, the rest"
            + " distinct BANKING77 texts; %d distinct texts, so a cache of the step's default size hits at most %.0f%%%n",
            mix.size(), 100 * REPEAT_SHARE, SHORT_REPLIES.size(), mixDistinct, 100.0 * (mix.size() - mixDistinct)
                / mix.size());
      }
      double[] med = AiQualityBench.median(e.getValue());
      System.out.printf("%-46s %10.0f %10.0f %12.0f %9.2f%n", e.getKey(), med[0], 1e6 / med[0], med[1],
          med[1] / med[0]);
    }
    System.out.println("(@64: the step's runBatch on 64 messages at a time, @1: run per message; all AI steps:"
        + " ai.language, ai.sentiment, ai.intent in sequence over the same messages; CPU/wall near 2 means both cores"
        + " were busy)");
    embedderBefore.close();
    embedderNow.close();
    embedderPrevious.close();
  }

  /**
   * ai.intent's work as before this change, for the baseline rows: the previous embedder (exact GELU,
   * calls as cut) and the nearest example of each intent (today's example scan, which the step shares),
   * the best intent as the signal.
   */
  static final class PreviousIntent implements Step {
    private final BatchEmbedder embedder;
    private final io.switchboard.plugins.ailocal.ExampleIndex index;

    PreviousIntent(BatchEmbedder embedder, Map<String, List<String>> examples) {
      this.embedder = embedder;
      List<String> texts = new ArrayList<>();
      examples.values().forEach(texts::addAll);
      this.index = io.switchboard.plugins.ailocal.ExampleIndex.of(examples, embedder.embed(texts),
          BatchEmbedder.DIMENSIONS);
    }

    @Override
    public void run(io.switchboard.api.StepExecution execution) {
      runBatch(List.of(execution));
    }

    @Override
    public void runBatch(List<? extends io.switchboard.api.StepExecution> executions) {
      List<String> texts = executions.stream().map(e -> e.interaction().text()).toList();
      var ranked = index.score(java.util.Arrays.asList(embedder.embed(texts)), 1);
      for (int i = 0; i < executions.size(); i++) {
        var best = ranked.get(i).get(0);
        executions.get(i).putSignal("intent", Map.of("name", best.intent(), "confidence", best.score()));
      }
    }
  }

  interface Work {
    void run() throws Exception;
  }

  static void calls(BatchEmbedder embedder, List<String> texts) {
    for (int i = 0; i < texts.size(); i += 64) {
      embedder.embed(texts.subList(i, Math.min(texts.size(), i + 64)));
    }
  }

  /** The steps in sequence over each batch, as a tenant's workflow runs them. */
  static void pipeline(List<Step> steps, List<Interaction> interactions, int batch) throws Exception {
    for (int i = 0; i < interactions.size(); i += batch) {
      List<AiQualityBench.Exec> executions = new ArrayList<>(batch);
      for (Interaction in : interactions.subList(i, Math.min(interactions.size(), i + batch))) {
        executions.add(new AiQualityBench.Exec(in));
      }
      for (Step s : steps) {
        if (batch == 1) {
          s.run(executions.get(0));
        } else {
          s.runBatch(executions);
        }
      }
    }
  }

  /** A plugin context with these plugin settings, otherwise the quality bench's. */
  static final class Settings implements PluginContext {
    private final Map<String, String> settings;
    private final AiQualityBench.BenchContext base = new AiQualityBench.BenchContext();

    Settings(Map<String, String> settings) {
      this.settings = settings;
    }

    @Override
    public String pluginId() {
      return base.pluginId();
    }

    @Override
    public Map<String, String> configuration() {
      return settings;
    }

    @Override
    public Optional<String> secret(String name) {
      return base.secret(name);
    }

    @Override
    public Logger logger(Class<?> type) {
      return base.logger(type);
    }

    @Override
    public Metrics metrics() {
      return base.metrics();
    }

    @Override
    public java.net.http.HttpClient httpClient(Duration requestTimeout) {
      return base.httpClient(requestTimeout);
    }
  }

  static {
    Locale.setDefault(Locale.ROOT);
  }
}
