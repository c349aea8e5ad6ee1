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
   * Every intent's score for each query, best first: the same as {@link #score(float[], int)} query by
   * query, but the examples are read once for four queries at a time, which roughly halves the
   * time of a large example set (the scan is bound by reading the vectors from memory).
   */
  public List<List<Scored>> score(List<float[]> queries, int k) {
    List<List<Scored>> out = new ArrayList<>(queries.size());
    float[][] sims = new float[4][exampleCount()];
    for (int q0 = 0; q0 < queries.size(); q0 += 4) {
      int block = Math.min(4, queries.size() - q0);
      if (block == 1) {
        out.add(score(queries.get(q0), k));
        break;
      }
      float[] a = queries.get(q0);
      float[] b = queries.get(q0 + Math.min(1, block - 1));
      float[] c = queries.get(q0 + Math.min(2, block - 1));
      float[] d = queries.get(q0 + Math.min(3, block - 1));
      dot4(a, b, c, d, sims);
      for (int j = 0; j < block; j++) {
        float[] row = sims[j];
        out.add(ranked(scores(r -> row[r], k)));
      }
    }
    return out;
  }

  /** The intents' scores, in index order. */
  public double[] scores(float[] query, int k) {
    return scores(r -> dot(query, r), k);
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
   * The dot products of four queries with every row, each row read once. Each query's sum is
   * accumulated exactly as {@link #dot} does (four lanes, added in the same order), so that batched
   * and single scores are the same numbers.
   */
  private void dot4(float[] a, float[] b, float[] c, float[] e, float[][] out) {
    float[] v = vectors;
    int n = exampleCount();
    for (int row = 0; row < n; row++) {
      int base = row * dims;
      float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      float b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      float c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      float e0 = 0, e1 = 0, e2 = 0, e3 = 0;
      int d = 0;
      for (; d + 3 < dims; d += 4) {
        float v0 = v[base + d];
        float v1 = v[base + d + 1];
        float v2 = v[base + d + 2];
        float v3 = v[base + d + 3];
        a0 += a[d] * v0;
        a1 += a[d + 1] * v1;
        a2 += a[d + 2] * v2;
        a3 += a[d + 3] * v3;
        b0 += b[d] * v0;
        b1 += b[d + 1] * v1;
        b2 += b[d + 2] * v2;
        b3 += b[d + 3] * v3;
        c0 += c[d] * v0;
        c1 += c[d + 1] * v1;
        c2 += c[d + 2] * v2;
        c3 += c[d + 3] * v3;
        e0 += e[d] * v0;
        e1 += e[d + 1] * v1;
        e2 += e[d + 2] * v2;
        e3 += e[d + 3] * v3;
      }
      for (; d < dims; d++) {
        float vd = v[base + d];
        a0 += a[d] * vd;
        b0 += b[d] * vd;
        c0 += c[d] * vd;
        e0 += e[d] * vd;
      }
      out[0][row] = (a0 + a1) + (a2 + a3);
      out[1][row] = (b0 + b1) + (b2 + b3);
      out[2][row] = (c0 + c1) + (c2 + c3);
      out[3][row] = (e0 + e1) + (e2 + e3);
    }
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
