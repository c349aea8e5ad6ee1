package io.switchboard.bench;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import io.switchboard.api.Interaction;
import io.switchboard.api.Step;
import io.switchboard.api.StepExecution;
import io.switchboard.api.StepFactory;
import io.switchboard.plugins.ailocal.BatchEmbedder;
import io.switchboard.plugins.ailocal.IntentConfig;
import io.switchboard.plugins.ailocal.IntentStepFactory;
import io.switchboard.plugins.ailocal.LanguageConfig;
import io.switchboard.plugins.ailocal.LanguageStepFactory;
import io.switchboard.plugins.ailocal.SentimentConfig;
import io.switchboard.plugins.ailocal.SentimentStepFactory;
import io.switchboard.api.PluginContext;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quality and cost of the ai-local plugin's steps on public labelled data (docs/benchmarks.md):
 * three-class sentiment F1 of VADER on the VADER paper's review corpora, intent accuracy of
 * BGE-small nearest examples on BANKING77 by stratified cross-validation and few-shot, and each
 * step's cost per message, next to LangChain4j's one-call-per-text embedder on the same model.
 *
 * <p>{@code java -cp ... io.switchboard.bench.AiQualityBench DATA_DIR [--seeds N] [--cost-messages N]}
 * where DATA_DIR holds {@code sentiment/} and {@code banking77/} (the shared data's README).
 * Nothing is tuned on an evaluation fold: every variant tried is reported, and the one the step
 * uses by default is picked by cross-validation inside the training folds only.
 */
public final class AiQualityBench {

  static final long SEED = 20_140_601L;

  /** BGE's instruction for short queries against passages (model card); tried as a variant. */
  static final String BGE_QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: ";

  private AiQualityBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: AiQualityBench DATA_DIR [--seeds N] [--cost-messages N]");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    int seeds = 5;
    int costMessages = 2000;
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seeds" -> seeds = Integer.parseInt(args[i + 1]);
        case "--cost-messages" -> costMessages = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Machine m = Machine.describe();
    System.out.println("# ai-local quality and cost");
    System.out.println("machine: " + m.oneLine());
    System.out.println("jvm: " + m.vm() + ", " + m.jvmArgs());
    System.out.println();
    sentiment(data.resolve("sentiment"));
    List<Labelled> banking = banking(data.resolve("banking77/train.csv"));
    try (BatchEmbedder embedder = BatchEmbedder.load(Runtime.getRuntime().availableProcessors(),
        BatchEmbedder.DEFAULT_MAX_TOKENS, BatchEmbedder.DEFAULT_BATCH_SIZE)) {
      intents(banking, embedder, seeds, data.resolve("sentiment/movieReviewSnippets_GroundTruth.txt"));
      cost(banking, embedder, costMessages);
    }
  }

  // ------------------------------------------------------------------------------------- sentiment

  record Rated(double rating, String text) {}

  static void sentiment(Path dir) throws Exception {
    System.out.println("## ai.sentiment (VADER): three classes by ±0.05, on the VADER paper's ground truth");
    System.out.println("truth: mean human rating / 4 (normalised to [-1, 1]); prediction: compound; both by ±0.05");
    Step step = new SentimentStepFactory().create(new SentimentConfig(null, null));
    // The paper's Table 4 as the task cites it (overall three-class F1 of VADER per corpus).
    Map<String, String> paper = Map.of("amazonReviewSnippets", "0.63", "movieReviewSnippets", "0.61");
    System.out.printf("%-22s %6s %8s %11s %9s %10s%n", "corpus", "n", "accuracy", "weighted-F1", "macro-F1", "paper F1");
    for (String corpus : List.of("amazonReviewSnippets", "movieReviewSnippets")) {
      List<Rated> rows = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve(corpus + "_GroundTruth.txt"), StandardCharsets.UTF_8)) {
        String[] f = line.split("\t", 3);
        if (f.length == 3) {
          rows.add(new Rated(Double.parseDouble(f[1]), f[2]));
        }
      }
      List<String> truth = new ArrayList<>();
      List<String> predicted = new ArrayList<>();
      for (Rated r : rows) {
        truth.add(label3(r.rating() / 4.0));
        Exec e = new Exec(interaction(r.text()));
        step.run(e);
        predicted.add((String) ((Map<?, ?>) e.signals.get("sentiment")).get("label"));
      }
      Scores s = Scores.of(truth, predicted);
      System.out.printf("%-22s %6d %8.3f %11.3f %9.3f %10s%n", corpus, rows.size(), s.accuracy, s.weightedF1,
          s.macroF1, paper.get(corpus));
    }
    System.out.println();
  }

  static String label3(double normalised) {
    if (normalised >= 0.05) {
      return "positive";
    }
    return normalised <= -0.05 ? "negative" : "neutral";
  }

  // ---------------------------------------------------------------------------------------- intent

  record Labelled(String text, String label) {}

  static List<Labelled> banking(Path csv) throws IOException {
    // The same CSV reading the step uses for examplesCsv, through the step's own factory would need a
    // context; a small RFC 4180 reader keeps the benchmark independent of it.
    List<Labelled> out = new ArrayList<>();
    String s = Files.readString(csv, StandardCharsets.UTF_8);
    List<String> fields = new ArrayList<>();
    StringBuilder f = new StringBuilder();
    boolean quoted = false;
    boolean header = true;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
          f.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          f.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(f.toString());
        f.setLength(0);
      } else if (c == '\n') {
        fields.add(f.toString());
        f.setLength(0);
        if (!header && fields.size() == 2) {
          out.add(new Labelled(fields.get(0).strip(), fields.get(1).strip()));
        }
        header = false;
        fields.clear();
      } else if (c != '\r') {
        f.append(c);
      }
    }
    if (!fields.isEmpty() || f.length() > 0) {
      fields.add(f.toString());
      if (fields.size() == 2) {
        out.add(new Labelled(fields.get(0).strip(), fields.get(1).strip()));
      }
    }
    return out;
  }

  /** The scoring variants compared; the step implements the k-NN ones ({@code k} in its config). */
  enum Variant {
    NN1("1-NN (k=1, the step's default)"),
    KNN3("mean of each intent's 3 nearest (k=3)"),
    KNN5("mean of each intent's 5 nearest (k=5)"),
    CENTROID("nearest intent centroid"),
    HYBRID("(1-NN + centroid) / 2");

    final String label;

    Variant(String label) {
      this.label = label;
    }
  }

  static void intents(List<Labelled> rows, BatchEmbedder embedder, int seeds, Path outOfDomain) throws Exception {
    System.out.println("## ai.intent (BGE-small-en-v1.5 q, nearest examples) on BANKING77 train.csv");
    List<String> labelNames = rows.stream().map(Labelled::label).distinct().sorted().toList();
    Map<String, Integer> labelIndex = new HashMap<>();
    for (int i = 0; i < labelNames.size(); i++) {
      labelIndex.put(labelNames.get(i), i);
    }
    int[] y = rows.stream().mapToInt(r -> labelIndex.get(r.label())).toArray();
    List<String> texts = rows.stream().map(Labelled::text).toList();
    long t0 = System.nanoTime();
    float[][] x = embedder.embed(texts);
    double plainSeconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    float[][] xq = embedder.embed(texts.stream().map(t -> BGE_QUERY_INSTRUCTION + t).toList());
    double instructedSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("%d texts, %d intents; embedded once in %.1f s (again with the BGE query instruction in %.1f s)%n",
        rows.size(), labelNames.size(), plainSeconds, instructedSeconds);
    System.out.println("reference: 93-94% accuracy on the BANKING77 test set for the best dual encoders of the paper"
        + " (Casanueva et al. 2020, full training set, trained classifier); not the same split");
    System.out.println();

    int folds = 5;
    int[] fold = stratifiedFolds(y, labelNames.size(), folds, new Random(SEED));
    System.out.println("### 5-fold stratified cross-validation (fixed seed), all examples of the other folds as the examples");
    System.out.printf("%-44s %9s %9s%n", "variant (queries as-is / with BGE instruction)", "accuracy", "macro-F1");
    for (boolean instructed : new boolean[] {false, true}) {
      for (Variant v : Variant.values()) {
        int[] pred = new int[y.length];
        for (int f = 0; f < folds; f++) {
          int ff = f;
          int[] train = IntStream.range(0, y.length).filter(i -> fold[i] != ff).toArray();
          int[] test = IntStream.range(0, y.length).filter(i -> fold[i] == ff).toArray();
          int[] p = predict(x, y, labelNames.size(), train, instructed ? xq : x, test, v);
          for (int i = 0; i < test.length; i++) {
            pred[test[i]] = p[i];
          }
        }
        Scores s = Scores.of(y, pred, labelNames.size());
        System.out.printf("%-44s %8.2f%% %9.4f%n", (instructed ? "instructed: " : "") + v.label, 100 * s.accuracy,
            s.macroF1);
      }
    }

    // Honest model selection: per outer fold, pick the variant by 4-fold CV inside its training folds.
    int[] nestedPred = new int[y.length];
    List<String> picked = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      int ff = f;
      int[] train = IntStream.range(0, y.length).filter(i -> fold[i] != ff).toArray();
      int[] test = IntStream.range(0, y.length).filter(i -> fold[i] == ff).toArray();
      int[] trainY = Arrays.stream(train).map(i -> y[i]).toArray();
      int[] inner = stratifiedFolds(trainY, labelNames.size(), 4, new Random(SEED + f));
      String bestName = null;
      double bestAcc = -1;
      Variant bestV = null;
      boolean bestInstructed = false;
      for (boolean instructed : new boolean[] {false, true}) {
        for (Variant v : Variant.values()) {
          int correct = 0;
          for (int g = 0; g < 4; g++) {
            int gg = g;
            int[] itrain = IntStream.range(0, train.length).filter(i -> inner[i] != gg).map(i -> train[i]).toArray();
            int[] itest = IntStream.range(0, train.length).filter(i -> inner[i] == gg).map(i -> train[i]).toArray();
            int[] p = predict(x, y, labelNames.size(), itrain, instructed ? xq : x, itest, v);
            for (int i = 0; i < itest.length; i++) {
              if (p[i] == y[itest[i]]) {
                correct++;
              }
            }
          }
          double acc = (double) correct / train.length;
          if (acc > bestAcc) {
            bestAcc = acc;
            bestV = v;
            bestInstructed = instructed;
            bestName = (instructed ? "instructed " : "") + v.name();
          }
        }
      }
      picked.add(bestName);
      int[] p = predict(x, y, labelNames.size(), train, bestInstructed ? xq : x, test, bestV);
      for (int i = 0; i < test.length; i++) {
        nestedPred[test[i]] = p[i];
      }
    }
    Scores nested = Scores.of(y, nestedPred, labelNames.size());
    System.out.printf("%-44s %8.2f%% %9.4f   (picked per fold by inner 4-fold CV on its training folds: %s)%n",
        "nested CV, variant picked on training folds", 100 * nested.accuracy, nested.macroF1, String.join(", ", picked));
    System.out.println();

    System.out.println("### few-shot: 10 examples per intent as the examples, evaluated on all the rest (" + seeds + " seeds)");
    System.out.printf("%-44s %17s %17s%n", "variant", "accuracy", "macro-F1");
    for (Variant v : Variant.values()) {
      double[] accs = new double[seeds];
      double[] f1s = new double[seeds];
      for (int s = 0; s < seeds; s++) {
        int[][] split = fewShot(y, labelNames.size(), 10, new Random(SEED + 100 + s));
        int[] p = predict(x, y, labelNames.size(), split[0], x, split[1], v);
        int[] truth = Arrays.stream(split[1]).map(i -> y[i]).toArray();
        Scores sc = Scores.of(truth, p, labelNames.size());
        accs[s] = 100 * sc.accuracy;
        f1s[s] = sc.macroF1;
      }
      System.out.printf("%-44s %8.2f%% ± %4.2f %9.4f ± %.4f%n", v.label, mean(accs), sd(accs), mean(f1s), sd(f1s));
    }
    System.out.println();

    // The step itself, end to end, on one fold: its own cache, scoring and batches of 64.
    System.out.println("### the ai.intent step end to end on fold 1 (examples inline, queries through runBatch in 64s)");
    {
      int[] train = IntStream.range(0, y.length).filter(i -> fold[i] != 0).toArray();
      int[] test = IntStream.range(0, y.length).filter(i -> fold[i] == 0).toArray();
      Map<String, List<String>> examples = new LinkedHashMap<>();
      for (int i : train) {
        examples.computeIfAbsent(rows.get(i).label(), k -> new ArrayList<>()).add(rows.get(i).text());
      }
      // Message cache off: the single runs below must run the model, not hit the batched run's embeddings.
      Step step = new IntentStepFactory(new BenchContext()).create(new IntentConfig(examples, null, null, -1.0, 0));
      int correct = 0;
      int agreeSingle = 0;
      double maxScoreDiff = 0;
      List<Double> correctConf = new ArrayList<>();
      for (int from = 0; from < test.length; from += 64) {
        List<Exec> batch = new ArrayList<>();
        for (int i = from; i < Math.min(test.length, from + 64); i++) {
          batch.add(new Exec(interaction(rows.get(test[i]).text())));
        }
        step.runBatch(batch);
        for (int i = 0; i < batch.size(); i++) {
          Map<?, ?> intent = (Map<?, ?>) batch.get(i).signals.get("intent");
          boolean ok = intent.get("name").equals(rows.get(test[from + i]).label());
          if (ok) {
            correct++;
            correctConf.add((Double) intent.get("confidence"));
          }
          if (from < 1024) {
            Exec single = new Exec(batch.get(i).interaction);
            step.run(single);
            Map<?, ?> one = (Map<?, ?>) single.signals.get("intent");
            if (one.get("name").equals(intent.get("name"))) {
              agreeSingle++;
            }
            maxScoreDiff = Math.max(maxScoreDiff, Math.abs((Double) one.get("confidence") - (Double) intent.get("confidence")));
          }
        }
      }
      int compared = Math.min(1024, test.length);
      System.out.printf("accuracy %.2f%% on %d texts; batched and one-at-a-time agree on %d of the first %d"
          + " (largest confidence difference %.4f)%n", 100.0 * correct / test.length, test.length, agreeSingle,
          compared, maxScoreDiff);

      // unknownThreshold: how many right answers a threshold gives up, and how much out-of-domain text it stops.
      List<String> movies = new ArrayList<>();
      for (String line : Files.readAllLines(outOfDomain, StandardCharsets.UTF_8)) {
        String[] f = line.split("\t", 3);
        if (f.length == 3) {
          movies.add(f[2]);
        }
      }
      Collections.shuffle(movies, new Random(SEED));
      movies = movies.subList(0, Math.min(1000, movies.size()));
      List<Double> oodConf = new ArrayList<>();
      for (int from = 0; from < movies.size(); from += 64) {
        List<Exec> batch = new ArrayList<>();
        for (String t : movies.subList(from, Math.min(movies.size(), from + 64))) {
          batch.add(new Exec(interaction(t)));
        }
        step.runBatch(batch);
        for (Exec e : batch) {
          oodConf.add((Double) ((Map<?, ?>) e.signals.get("intent")).get("confidence"));
        }
      }
      System.out.println("unknownThreshold: share of correct in-domain answers turned unknown / share of 1000"
          + " out-of-domain movie-review sentences turned unknown");
      for (double t : new double[] {0.5, 0.55, 0.6, 0.65, 0.7, 0.75}) {
        System.out.printf("  %.2f: %5.1f%% / %5.1f%%%n", t, 100.0 * below(correctConf, t) / correctConf.size(),
            100.0 * below(oodConf, t) / oodConf.size());
      }
    }
    System.out.println();
  }

  static long below(List<Double> values, double t) {
    return values.stream().filter(v -> v < t).count();
  }

  /** Predictions for {@code test} rows with {@code train} rows as the examples. */
  static int[] predict(float[][] x, int[] y, int classes, int[] train, float[][] queries, int[] test, Variant v) {
    int dims = x[0].length;
    float[] centroids = null;
    if (v == Variant.CENTROID || v == Variant.HYBRID) {
      centroids = new float[classes * dims];
      for (int i : train) {
        for (int d = 0; d < dims; d++) {
          centroids[y[i] * dims + d] += x[i][d];
        }
      }
      for (int c = 0; c < classes; c++) {
        double n = 0;
        for (int d = 0; d < dims; d++) {
          n += centroids[c * dims + d] * centroids[c * dims + d];
        }
        float inv = (float) (1 / Math.sqrt(n));
        for (int d = 0; d < dims; d++) {
          centroids[c * dims + d] *= inv;
        }
      }
    }
    float[] flat = new float[train.length * dims];
    int[] trainY = new int[train.length];
    for (int r = 0; r < train.length; r++) {
      System.arraycopy(x[train[r]], 0, flat, r * dims, dims);
      trainY[r] = y[train[r]];
    }
    int k = switch (v) {
      case KNN3 -> 3;
      case KNN5 -> 5;
      default -> 1;
    };
    float[] cents = centroids;
    return IntStream.range(0, test.length).parallel().map(t -> {
      float[] q = queries[test[t]];
      double[][] top = new double[classes][k];
      int[] count = new int[classes];
      if (v != Variant.CENTROID) {
        for (int r = 0; r < trainY.length; r++) {
          double s = dot(q, flat, r * dims, dims);
          int c = trainY[r];
          double[] tc = top[c];
          int m = count[c];
          if (m < k) {
            int j = m;
            while (j > 0 && tc[j - 1] < s) {
              tc[j] = tc[j - 1];
              j--;
            }
            tc[j] = s;
            count[c]++;
          } else if (s > tc[k - 1]) {
            int j = k - 1;
            while (j > 0 && tc[j - 1] < s) {
              tc[j] = tc[j - 1];
              j--;
            }
            tc[j] = s;
          }
        }
      }
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double knn = 0;
        if (count[c] > 0) {
          for (int j = 0; j < count[c]; j++) {
            knn += top[c][j];
          }
          knn /= count[c];
        }
        double score = switch (v) {
          case CENTROID -> dot(q, cents, c * dims, dims);
          case HYBRID -> (knn + dot(q, cents, c * dims, dims)) / 2;
          default -> count[c] == 0 ? Double.NEGATIVE_INFINITY : knn;
        };
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      return best;
    }).toArray();
  }

  static double dot(float[] q, float[] v, int base, int dims) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    for (int d = 0; d < dims; d += 4) {
      s0 += q[d] * v[base + d];
      s1 += q[d + 1] * v[base + d + 1];
      s2 += q[d + 2] * v[base + d + 2];
      s3 += q[d + 3] * v[base + d + 3];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** Fold numbers with each class spread evenly over the folds, in random order within the class. */
  static int[] stratifiedFolds(int[] y, int classes, int folds, Random random) {
    int[] fold = new int[y.length];
    for (int c = 0; c < classes; c++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < y.length; i++) {
        if (y[i] == c) {
          members.add(i);
        }
      }
      Collections.shuffle(members, random);
      // start each class at a random fold so that the remainders do not all land in fold 0
      int offset = random.nextInt(folds);
      for (int j = 0; j < members.size(); j++) {
        fold[members.get(j)] = (j + offset) % folds;
      }
    }
    return fold;
  }

  /** {train, test}: {@code shots} random rows per class as the examples, everything else as the queries. */
  static int[][] fewShot(int[] y, int classes, int shots, Random random) {
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < y.length; i++) {
        if (y[i] == c) {
          members.add(i);
        }
      }
      Collections.shuffle(members, random);
      train.addAll(members.subList(0, Math.min(shots, members.size())));
      test.addAll(members.subList(Math.min(shots, members.size()), members.size()));
    }
    return new int[][] {train.stream().mapToInt(Integer::intValue).toArray(),
        test.stream().mapToInt(Integer::intValue).toArray()};
  }

  // ------------------------------------------------------------------------------------------ cost

  /** The steps run the same texts every round: ai.intent with its message cache off (cacheSize: 0) measures the model. */
  static void cost(List<Labelled> rows, BatchEmbedder embedder, int n) throws Exception {
    System.out.println("## cost per message (" + n + " BANKING77 texts, wall clock and process CPU; median of 3 rounds,"
        + " rounds interleaved)");
    List<String> texts = new ArrayList<>(rows.stream().map(Labelled::text).toList());
    Collections.shuffle(texts, new Random(SEED));
    texts = texts.subList(0, Math.min(n, texts.size()));
    List<Interaction> interactions = texts.stream().map(AiQualityBench::interaction).toList();

    // Few-shot examples (10 per intent, 770) and all of train.csv (10,003) as the tenant's examples.
    Map<String, List<String>> fewShot = new LinkedHashMap<>();
    Map<String, List<String>> all = new LinkedHashMap<>();
    for (Labelled r : rows) {
      List<String> f = fewShot.computeIfAbsent(r.label(), k -> new ArrayList<>());
      if (f.size() < 10) {
        f.add(r.text());
      }
      all.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r.text());
    }
    BenchContext context = new BenchContext();
    long t0 = System.nanoTime();
    Step intentFew = new IntentStepFactory(context).create(new IntentConfig(fewShot, null, null, null, 0));
    double fewCreate = (System.nanoTime() - t0) / 1e6;
    t0 = System.nanoTime();
    Step intentAll = new IntentStepFactory(context).create(new IntentConfig(all, null, null, null, 0));
    double allCreate = (System.nanoTime() - t0) / 1e6;
    t0 = System.nanoTime();
    new IntentStepFactory(context).create(new IntentConfig(all, null, 3, 0.5));
    double cachedCreate = (System.nanoTime() - t0) / 1e6;
    System.out.printf("ai.intent create: 770 examples %.0f ms, 10,003 examples %.0f ms, the same 10,003 again"
        + " (cache hit, another k and threshold) %.1f ms%n", fewCreate, allCreate, cachedCreate);

    // Low accuracy first: Lingua keeps its models in static maps shared by detectors, and the
    // high-accuracy detector needs the low one's trigram models plus its own.
    Runtime rt = Runtime.getRuntime();
    long heapBefore = usedHeap(rt);
    t0 = System.nanoTime();
    Step languageLow = new LanguageStepFactory().create(new LanguageConfig(null, true, null));
    double lowCreate = (System.nanoTime() - t0) / 1e6;
    long heapLow = usedHeap(rt) - heapBefore;
    t0 = System.nanoTime();
    Step language = new LanguageStepFactory().create(new LanguageConfig(null, null, null));
    double langCreate = (System.nanoTime() - t0) / 1e6;
    long heapHigh = usedHeap(rt) - heapBefore;
    System.out.printf("ai.language create (20 default languages, models preloaded): low accuracy %.0f ms and %.0f MB"
        + " of heap; high accuracy (the default) %.0f ms more, %.0f MB of heap in all%n",
        lowCreate, heapLow / 1e6, langCreate, heapHigh / 1e6);
    Step sentiment = new SentimentStepFactory().create(new SentimentConfig(null, null));

    Map<String, Step> steps = new LinkedHashMap<>();
    steps.put("ai.sentiment", sentiment);
    steps.put("ai.language", language);
    steps.put("ai.language (lowAccuracy)", languageLow);
    steps.put("ai.intent (770 examples)", intentFew);
    steps.put("ai.intent (10,003 examples)", intentAll);
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    List<String> finalTexts = texts;
    BgeSmallEnV15QuantizedEmbeddingModel reference = new BgeSmallEnV15QuantizedEmbeddingModel();
    List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
    // warm-up
    for (Step s : steps.values()) {
      runSteps(s, interactions.subList(0, 200), 64);
      runSteps(s, interactions.subList(0, 50), 1);
    }
    embedder.embed(texts.subList(0, 200));
    reference.embedAll(segments.subList(0, 200));
    for (int round = 0; round < 3; round++) {
      for (Map.Entry<String, Step> e : steps.entrySet()) {
        for (int batch : new int[] {1, 64}) {
          Step s = e.getValue();
          results.computeIfAbsent(e.getKey() + " @ batch " + batch, k -> new ArrayList<>())
              .add(measure(interactions.size(), () -> runSteps(s, interactions, batch)));
        }
      }
      results.computeIfAbsent("embedder: plugin BatchEmbedder, one call of all", k -> new ArrayList<>())
          .add(measure(finalTexts.size(), () -> embedder.embed(finalTexts)));
      results.computeIfAbsent("embedder: plugin BatchEmbedder, calls of 64", k -> new ArrayList<>())
          .add(measure(finalTexts.size(), () -> {
            for (int i = 0; i < finalTexts.size(); i += 64) {
              embedder.embed(finalTexts.subList(i, Math.min(finalTexts.size(), i + 64)));
            }
          }));
      results.computeIfAbsent("embedder: plugin BatchEmbedder, one text a call", k -> new ArrayList<>())
          .add(measure(finalTexts.size(), () -> {
            for (String t : finalTexts) {
              embedder.embed(List.of(t));
            }
          }));
      results.computeIfAbsent("embedder: LangChain4j embedAll (baseline)", k -> new ArrayList<>())
          .add(measure(segments.size(), () -> reference.embedAll(segments)));
    }
    System.out.printf("%-50s %10s %10s %12s %9s%n", "what", "µs/msg", "msgs/s", "CPU µs/msg", "CPU/wall");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      double[] med = median(e.getValue());
      System.out.printf("%-50s %10.0f %10.0f %12.0f %9.2f%n", e.getKey(), med[0], 1e6 / med[0], med[1], med[1] / med[0]);
    }
    System.out.println("(µs/msg is wall clock per message; CPU µs/msg is the process's CPU time per message, which"
        + " counts both cores: CPU/wall near 2 means both were busy)");
  }

  static long usedHeap(Runtime rt) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  interface Work {
    void run() throws Exception;
  }

  /** {wall µs per item, CPU µs per item}. */
  static double[] measure(int items, Work work) throws Exception {
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long c0 = os.getProcessCpuTime();
    long t0 = System.nanoTime();
    work.run();
    long wall = System.nanoTime() - t0;
    long cpu = os.getProcessCpuTime() - c0;
    return new double[] {wall / 1e3 / items, cpu / 1e3 / items};
  }

  static double[] median(List<double[]> runs) {
    double[] out = new double[runs.get(0).length];
    for (int j = 0; j < out.length; j++) {
      int jj = j;
      double[] v = runs.stream().mapToDouble(r -> r[jj]).sorted().toArray();
      out[j] = v[v.length / 2];
    }
    return out;
  }

  static void runSteps(Step step, List<Interaction> interactions, int batch) throws Exception {
    AiThroughputBench.pipeline(List.of(step), interactions, batch);
  }

  // --------------------------------------------------------------------------------------- support

  static Interaction interaction(String text) {
    return new Interaction(UUID.randomUUID(), "bench", "sms", "inbound", UUID.randomUUID(), UUID.randomUUID(),
        "+15550000001", "+15550000002", text, Instant.now(), Map.of());
  }

  /** A StepExecution as the hub gives one, minus the checks: the benchmark measures the step, not the kit. */
  static final class Exec implements StepExecution {
    final Interaction interaction;
    final Map<String, Object> signals = new LinkedHashMap<>();

    Exec(Interaction interaction) {
      this.interaction = interaction;
    }

    @Override
    public Interaction interaction() {
      return interaction;
    }

    @Override
    public Map<String, Object> signals() {
      return Collections.unmodifiableMap(signals);
    }

    @Override
    public void putSignal(String name, Object value) {
      signals.put(name, value);
    }

    @Override
    public io.switchboard.api.Contact contact() {
      return new io.switchboard.api.Contact(interaction.contactId(), interaction.from(), null, null, Map.of());
    }

    @Override
    public void requestAction(String type, Map<String, Object> payload) {
      throw new UnsupportedOperationException("the AI steps ask for no actions");
    }

    @Override
    public boolean dryRun() {
      return false;
    }
  }

  /** The plugin context of a hub with no settings for ai-local. */
  static final class BenchContext implements PluginContext {
    @Override
    public String pluginId() {
      return "ai-local";
    }

    @Override
    public Map<String, String> configuration() {
      return Map.of();
    }

    @Override
    public Optional<String> secret(String name) {
      return Optional.empty();
    }

    @Override
    public Logger logger(Class<?> type) {
      return LoggerFactory.getLogger(type);
    }

    @Override
    public Metrics metrics() {
      return new Metrics() {
        @Override
        public void count(String name, double amount, Map<String, String> tags) {}

        @Override
        public void time(String name, Duration duration, Map<String, String> tags) {}
      };
    }

    @Override
    public HttpClient httpClient(Duration requestTimeout) {
      throw new UnsupportedOperationException("the benchmark makes no HTTP calls");
    }
  }

  /** Accuracy, weighted F1 (by support) and macro F1. */
  record Scores(double accuracy, double weightedF1, double macroF1) {

    static Scores of(List<String> truth, List<String> predicted) {
      List<String> labels = new ArrayList<>(new java.util.TreeSet<>(truth));
      Map<String, Integer> idx = new HashMap<>();
      for (int i = 0; i < labels.size(); i++) {
        idx.put(labels.get(i), i);
      }
      int[] t = truth.stream().mapToInt(idx::get).toArray();
      int[] p = predicted.stream().mapToInt(s -> idx.getOrDefault(s, -1)).toArray();
      return of(t, p, labels.size());
    }

    static Scores of(int[] truth, int[] predicted, int classes) {
      int[] tp = new int[classes];
      int[] fp = new int[classes];
      int[] fn = new int[classes];
      int correct = 0;
      for (int i = 0; i < truth.length; i++) {
        if (truth[i] == predicted[i]) {
          tp[truth[i]]++;
          correct++;
        } else {
          fn[truth[i]]++;
          if (predicted[i] >= 0) {
            fp[predicted[i]]++;
          }
        }
      }
      double macro = 0;
      double weighted = 0;
      int present = 0;
      for (int c = 0; c < classes; c++) {
        int support = tp[c] + fn[c];
        if (support == 0) {
          continue;
        }
        present++;
        double precision = tp[c] + fp[c] == 0 ? 0 : (double) tp[c] / (tp[c] + fp[c]);
        double recall = (double) tp[c] / support;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        macro += f1;
        weighted += f1 * support;
      }
      return new Scores((double) correct / truth.length, weighted / truth.length, macro / present);
    }
  }

  static double mean(double[] v) {
    return Arrays.stream(v).average().orElse(Double.NaN);
  }

  static double sd(double[] v) {
    double m = mean(v);
    return v.length < 2 ? 0 : Math.sqrt(Arrays.stream(v).map(x -> (x - m) * (x - m)).sum() / (v.length - 1));
  }

  static {
    Locale.setDefault(Locale.ROOT);
  }
}
