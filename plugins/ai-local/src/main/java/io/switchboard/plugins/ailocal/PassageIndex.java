package io.switchboard.plugins.ailocal;

import io.switchboard.api.Passage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable set of embedded passages, by document, with brute-force cosine top-k over them: one
 * flat float array of L2-normalised rows (a few thousand passages scan in well under a
 * millisecond). Changes return a new index ({@link #with}, {@link #without}), so that readers of the
 * old one are never disturbed: the copy-on-write a tenant's knowledge base is kept in.
 */
final class PassageIndex {

  static final PassageIndex EMPTY = new PassageIndex(Map.of());

  /** One document's chunks and their embeddings, row for row. */
  private record Doc(List<Chunker.Chunk> chunks, float[][] vectors) {}

  private final Map<String, Doc> docs;
  /** The rows of every document, built on the first search. */
  private volatile Flat flat;

  private record Flat(Chunker.Chunk[] chunks, float[] vectors) {}

  private PassageIndex(Map<String, Doc> docs) {
    this.docs = docs;
  }

  /** The embeddings must be L2-normalised, {@link BatchEmbedder#DIMENSIONS} floats each, one per chunk. */
  PassageIndex with(String documentId, List<Chunker.Chunk> chunks, float[][] vectors) {
    if (chunks.size() != vectors.length) {
      throw new IllegalArgumentException(vectors.length + " embeddings for " + chunks.size() + " chunks");
    }
    for (float[] v : vectors) {
      if (v.length != BatchEmbedder.DIMENSIONS) {
        throw new IllegalArgumentException("an embedding has " + v.length + " dimensions, not " + BatchEmbedder.DIMENSIONS);
      }
    }
    Map<String, Doc> copy = new LinkedHashMap<>(docs);
    copy.remove(documentId);
    if (!chunks.isEmpty()) {
      copy.put(documentId, new Doc(List.copyOf(chunks), vectors.clone()));
    }
    return new PassageIndex(Collections.unmodifiableMap(copy));
  }

  PassageIndex without(String documentId) {
    if (!docs.containsKey(documentId)) {
      return this;
    }
    Map<String, Doc> copy = new LinkedHashMap<>(docs);
    copy.remove(documentId);
    return copy.isEmpty() ? EMPTY : new PassageIndex(Collections.unmodifiableMap(copy));
  }

  int documentCount() {
    return docs.size();
  }

  int passageCount() {
    return flat().chunks().length;
  }

  /** The {@code k} passages nearest to the query (an L2-normalised embedding), best first. */
  List<Passage> search(float[] query, int k) {
    Flat f = flat();
    int n = f.chunks().length;
    int m = Math.min(k, n);
    if (m <= 0) {
      return List.of();
    }
    // The m best rows, kept sorted by score, descending.
    int[] best = new int[m];
    double[] scores = new double[m];
    int found = 0;
    int dims = BatchEmbedder.DIMENSIONS;
    float[] v = f.vectors();
    for (int row = 0; row < n; row++) {
      int base = row * dims;
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (int d = 0; d < dims; d += 4) {
        s0 += query[d] * v[base + d];
        s1 += query[d + 1] * v[base + d + 1];
        s2 += query[d + 2] * v[base + d + 2];
        s3 += query[d + 3] * v[base + d + 3];
      }
      double s = (s0 + s1) + (s2 + s3);
      if (found < m || s > scores[m - 1]) {
        int j = found < m ? found++ : m - 1;
        while (j > 0 && scores[j - 1] < s) {
          scores[j] = scores[j - 1];
          best[j] = best[j - 1];
          j--;
        }
        scores[j] = s;
        best[j] = row;
      }
    }
    List<Passage> out = new ArrayList<>(found);
    for (int i = 0; i < found; i++) {
      Chunker.Chunk c = f.chunks()[best[i]];
      out.add(new Passage(c.documentId(), c.title(), c.source(), c.text(), scores[i]));
    }
    return out;
  }

  private Flat flat() {
    Flat f = flat;
    if (f == null) {
      int n = 0;
      for (Doc d : docs.values()) {
        n += d.chunks().size();
      }
      Chunker.Chunk[] chunks = new Chunker.Chunk[n];
      float[] vectors = new float[n * BatchEmbedder.DIMENSIONS];
      int row = 0;
      for (Doc d : docs.values()) {
        for (int i = 0; i < d.chunks().size(); i++) {
          chunks[row] = d.chunks().get(i);
          System.arraycopy(d.vectors()[i], 0, vectors, row * BatchEmbedder.DIMENSIONS, BatchEmbedder.DIMENSIONS);
          row++;
        }
      }
      f = new Flat(chunks, vectors);
      flat = f;
    }
    return f;
  }
}
