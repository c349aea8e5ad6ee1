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
  /** Row-major, {@code dims} floats a row, L2-normalised. */
  private final float[] vectors;
  private final int dims;

  private ExampleIndex(String[] intents, int[] start, float[] vectors, int dims) {
    this.intents = intents;
    this.start = start;
    this.vectors = vectors;
    this.dims = dims;
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
    double[] scores = scores(query, k);
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

  /** The intents' scores, in index order. */
  public double[] scores(float[] query, int k) {
    double[] scores = new double[intents.length];
    double[] top = new double[k];
    for (int i = 0; i < intents.length; i++) {
      int from = start[i];
      int to = start[i + 1];
      if (k == 1) {
        double best = -2;
        for (int r = from; r < to; r++) {
          best = Math.max(best, dot(query, r));
        }
        scores[i] = best;
        continue;
      }
      // The k largest similarities of this intent, kept sorted descending in top[0..m).
      int m = 0;
      for (int r = from; r < to; r++) {
        double s = dot(query, r);
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

  /** Dot product of the query and row r; four accumulators so that the JIT can overlap the adds. */
  private double dot(float[] q, int row) {
    float[] v = vectors;
    int base = row * dims;
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int d = 0;
    for (; d + 3 < dims; d += 4) {
      s0 += q[d] * v[base + d];
      s1 += q[d + 1] * v[base + d + 1];
      s2 += q[d + 2] * v[base + d + 2];
      s3 += q[d + 3] * v[base + d + 3];
    }
    for (; d < dims; d++) {
      s0 += q[d] * v[base + d];
    }
    return (s0 + s1) + (s2 + s3);
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
