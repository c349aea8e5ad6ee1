package io.switchboard.plugins.ailocal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded examples of one intent configuration, grouped by intent, and the nearest-example
 * scoring over them. Immutable and thread-safe.
 *
 * <p>An intent's score for a query is the mean cosine similarity of its {@code k} examples nearest
 * to the query (with {@code k = 1}: the similarity of its nearest example). Scoring each intent by
 * its own nearest examples, rather than letting the k nearest examples overall vote, keeps intents
 * with few examples from being outvoted by intents with many.
 *
 * <p>Public for the quality benchmark (bench/AiQualityBench); not part of the hub's API.
 */
public final class ExampleIndex {

  /** An intent and its score for one query. */
  public record Scored(String intent, double score) {}

  private final String[] intents;
  /** Examples of intent i are rows start[i] (inclusive) to start[i + 1] (exclusive). */
  private final int[] start;
  /** Examples scanned together for a batch of queries. */
  static final int BLOCK = 256;
  /** Queries scored together over each block of examples. */
  static final int QUERY_GROUP = 16;

  /**
   * The L2-normalised embeddings, {@value #BLOCK} rows a block: block b holds rows
   * {@code b * BLOCK ..} dimension-major ({@code [d * len + r]}, len the rows in the block) from
   * offset {@code b * BLOCK * dims}.
   */
  private final float[] blocked;
  private final int dims;

  private ExampleIndex(String[] intents, int[] start, float[] rowMajor, int dims) {
    this.intents = intents;
    this.start = start;
    this.dims = dims;
    int n = start[intents.length];
    this.blocked = new float[rowMajor.length];
    for (int b0 = 0; b0 < n; b0 += BLOCK) {
      int len = Math.min(BLOCK, n - b0);
      for (int r = 0; r < len; r++) {
        for (int d = 0; d < dims; d++) {
          blocked[b0 * dims + d * len + r] = rowMajor[(b0 + r) * dims + d];
        }
      }
    }
  }

  /**
   * Builds an index from examples by intent and their embeddings (one per example, in the map's
   * iteration order, intent by intent).
   */
  public static ExampleIndex of(Map<String, List<String>> examples, float[][] embeddings, int dims) {
    String[] names = examples.keySet().toArray(new String[0]);
    int[] start = new int[names.length + 1];
    float[] vectors = new float[embeddings.length * dims];
    int row = 0;
    for (int i = 0; i < names.length; i++) {
      start[i] = row;
      for (int e = 0; e < examples.get(names[i]).size(); e++) {
        System.arraycopy(embeddings[row], 0, vectors, row * dims, dims);
        row++;
      }
    }
    start[names.length] = row;
    if (row != embeddings.length) {
      throw new IllegalArgumentException(embeddings.length + " embeddings for " + row + " examples");
    }
    return new ExampleIndex(names, start, vectors, dims);
  }

  /** The intent names, in the order of {@link #scores}. */
  public List<String> intents() {
    return List.of(intents);
  }

  public int intentCount() {
    return intents.length;
  }

  public int exampleCount() {
    return start[intents.length];
  }

  /** Every intent's score for a query (an L2-normalised embedding), best first. */
  public List<Scored> score(float[] query, int k) {
    return ranked(scores(query, k));
  }

  private List<Scored> ranked(double[] scores) {
    Integer[] order = new Integer[intents.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
    List<Scored> out = new ArrayList<>(order.length);
    for (int i : order) {
      out.add(new Scored(intents[i], scores[i]));
    }
    return out;
  }

  /**
   * Every intent's score for each query, best first: the same numbers as {@link #score(float[], int)}
   * query by query (each similarity is summed in the same order either way), but a block of
   * examples is read once for up to {@value #QUERY_GROUP} queries while it is in cache.
   */
  public List<List<Scored>> score(List<float[]> queries, int k) {
    List<List<Scored>> out = new ArrayList<>(queries.size());
    int group = Math.min(QUERY_GROUP, queries.size());
    float[][] sims = new float[group][exampleCount()];
    for (int q0 = 0; q0 < queries.size(); q0 += group) {
      int m = Math.min(group, queries.size() - q0);
      similarities(queries.subList(q0, q0 + m), sims);
      for (int j = 0; j < m; j++) {
        float[] row = sims[j];
        out.add(ranked(scores(r -> row[r], k)));
      }
    }
    return out;
  }

  /** The intents' scores, in index order. */
  public double[] scores(float[] query, int k) {
    float[][] sims = new float[1][exampleCount()];
    similarities(List.of(query), sims);
    float[] row = sims[0];
    return scores(r -> row[r], k);
  }
  /** Similarity of the query to example row r. */
  @FunctionalInterface
  private interface Similarity {
    double of(int row);
  }

  private double[] scores(Similarity similarity, int k) {
    double[] scores = new double[intents.length];
    double[] top = new double[k];
    for (int i = 0; i < intents.length; i++) {
      int from = start[i];
      int to = start[i + 1];
      if (k == 1) {
        double best = -2;
        for (int r = from; r < to; r++) {
          best = Math.max(best, similarity.of(r));
        }
        scores[i] = best;
        continue;
      }
      // The k largest similarities of this intent, kept sorted descending in top[0..m).
      int m = 0;
      for (int r = from; r < to; r++) {
        double s = similarity.of(r);
        if (m < k) {
          int j = m++;
          while (j > 0 && top[j - 1] < s) {
            top[j] = top[j - 1];
            j--;
          }
          top[j] = s;
        } else if (s > top[k - 1]) {
          int j = k - 1;
          while (j > 0 && top[j - 1] < s) {
            top[j] = top[j - 1];
            j--;
          }
          top[j] = s;
        }
      }
      double sum = 0;
      for (int j = 0; j < m; j++) {
        sum += top[j];
      }
      scores[i] = m == 0 ? -1 : sum / m;
    }
    return scores;
  }

  /**
   * The dot products of each query with every example, into {@code out[j][row]}. The examples are
   * stored a block of {@value #BLOCK} rows at a time, dimension-major inside a block, so that the inner
   * loop adds one query component times a contiguous run of examples into a contiguous run of
   * similarities: a loop the JIT turns into vector instructions, where a row-by-row dot product is a
   * serial sum. Each similarity is summed over the dimensions in order, whatever the number of queries.
   */
  private void similarities(List<float[]> queries, float[][] out) {
    float[] v = blocked;
    int n = exampleCount();
    for (int b0 = 0; b0 < n; b0 += BLOCK) {
      int len = Math.min(BLOCK, n - b0);
      int base = b0 * dims;
      for (int j = 0; j < queries.size(); j++) {
        float[] q = queries.get(j);
        float[] acc = out[j];
        Arrays.fill(acc, b0, b0 + len, 0f);
        for (int d = 0; d < dims; d++) {
          float qd = q[d];
          int off = base + d * len - b0;
          for (int r = b0; r < b0 + len; r++) {
            acc[r] += qd * v[off + r];
          }
        }
      }
    }
  }

  /** The number of examples of each intent, for logs. */
  Map<String, Integer> sizes() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < intents.length; i++) {
      m.put(intents[i], start[i + 1] - start[i]);
    }
    return m;
  }
}
