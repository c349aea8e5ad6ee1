package io.switchboard.plugins.ailocal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Nearest-example scoring, one query at a time and four at a time. */
class ExampleIndexTest {

  static final int DIMS = 384;

  @Test
  void scoresAreTheMeanOfEachIntentsNearestExamples() {
    Map<String, List<String>> examples = new LinkedHashMap<>();
    examples.put("a", List.of("a1", "a2", "a3"));
    examples.put("b", List.of("b1"));
    float[][] vectors = {unit(0), unit(1), unit(2), unit(3)};
    ExampleIndex index = ExampleIndex.of(examples, vectors, DIMS);
    float[] query = normalize(new float[DIMS], 0, 0.8f, 1, 0.6f);

    assertThat(index.score(query, 1)).extracting(ExampleIndex.Scored::intent).containsExactly("a", "b");
    assertThat(index.score(query, 1).get(0).score()).isCloseTo(0.8, org.assertj.core.api.Assertions.within(1e-6));
    // k = 2: (0.8 + 0.6) / 2 for a; b has one example, its only similarity (0).
    assertThat(index.score(query, 2).get(0).score()).isCloseTo(0.7, org.assertj.core.api.Assertions.within(1e-6));
    assertThat(index.score(query, 2).get(1).score()).isCloseTo(0.0, org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void fourAtATimeGivesExactlyTheSingleScores() {
    Random random = new Random(7);
    Map<String, List<String>> examples = new LinkedHashMap<>();
    List<float[]> vectors = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      List<String> texts = new ArrayList<>();
      for (int e = 0; e < 1 + random.nextInt(9); e++) {
        texts.add("x");
        vectors.add(random(random));
      }
      examples.put("intent" + i, texts);
    }
    ExampleIndex index = ExampleIndex.of(examples, vectors.toArray(new float[0][]), DIMS);
    List<float[]> queries = new ArrayList<>();
    for (int q = 0; q < 7; q++) {
      queries.add(random(random));
    }
    for (int k : new int[] {1, 3}) {
      List<List<ExampleIndex.Scored>> batched = index.score(queries, k);
      assertThat(batched).hasSize(queries.size());
      for (int q = 0; q < queries.size(); q++) {
        assertThat(batched.get(q)).isEqualTo(index.score(queries.get(q), k));
      }
    }
  }

  private static float[] unit(int axis) {
    float[] v = new float[DIMS];
    v[axis] = 1;
    return v;
  }

  private static float[] normalize(float[] v, int i, float x, int j, float y) {
    v[i] = x;
    v[j] = y;
    return v;
  }

  private static float[] random(Random random) {
    float[] v = new float[DIMS];
    for (int d = 0; d < DIMS; d++) {
      v[d] = (float) random.nextGaussian();
    }
    return BatchEmbedder.normalize(v);
  }
}
