package io.switchboard.plugins.ailocal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batched embedder computes LangChain4j's embeddings of the same model: exactly for one text a
 * call, and up to the model's int8 quantisation noise when texts share a call (dynamic quantisation
 * scales each matrix product's input over the whole batch).
 */
class BatchEmbedderTest {

  static BatchEmbedder embedder;
  static BgeSmallEnV15QuantizedEmbeddingModel reference;

  @BeforeAll
  static void load() {
    embedder = BatchEmbedder.load(2, BatchEmbedder.DEFAULT_MAX_TOKENS, BatchEmbedder.DEFAULT_BATCH_SIZE);
    reference = new BgeSmallEnV15QuantizedEmbeddingModel();
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void oneTextACallEqualsLangChain4j() {
    for (String text : TestTexts.MESSAGES) {
      float[] ours = embedder.embed(List.of(text))[0];
      float[] theirs = reference.embed(TextSegment.from(text)).content().vector();
      assertThat(cosine(ours, theirs)).as(text).isGreaterThan(0.99999);
    }
  }

  @Test
  void batchedEmbeddingsMatchLangChain4jsUpToQuantisationNoise() {
    List<String> texts = new ArrayList<>(TestTexts.MESSAGES);
    float[][] batched = embedder.embed(texts);
    for (int i = 0; i < texts.size(); i++) {
      float[] theirs = reference.embed(TextSegment.from(texts.get(i))).content().vector();
      assertThat(batched[i]).hasSize(BatchEmbedder.DIMENSIONS);
      assertThat(cosine(batched[i], theirs)).as(texts.get(i)).isGreaterThan(0.99);
      assertThat(cosine(batched[i], batched[i])).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
    }
    // Related texts stay closer than unrelated ones, batched or not.
    float[][] v = embedder.embed(List.of("I want a refund", "Please give me my money back", "What time do you open?"));
    assertThat(cosine(v[0], v[1])).isGreaterThan(cosine(v[0], v[2]) + 0.1);
  }

  @Test
  void cutsPadLittleAndKeepEveryText() {
    int[][] ids = new int[10][];
    Integer[] order = new Integer[10];
    int[] lengths = {5, 5, 6, 6, 6, 7, 30, 31, 60, 128};
    for (int i = 0; i < 10; i++) {
      ids[i] = new int[lengths[i]];
      order[i] = i;
    }
    int[] cuts = BatchEmbedder.cuts(ids, order, 64);
    // The short ones share a call, the long ones do not pad the short ones.
    assertThat(cuts[0]).isZero();
    assertThat(cuts[cuts.length - 1]).isEqualTo(10);
    assertThat(cuts).contains(6);
    // 60 and 128 tokens: padding 60 to 128 costs more than a call of its own.
    assertThat(cuts).contains(8, 9);
    int[] small = BatchEmbedder.cuts(ids, order, 2);
    for (int k = 1; k < small.length; k++) {
      assertThat(small[k] - small[k - 1]).isBetween(1, 2);
    }
    assertThat(Arrays.stream(BatchEmbedder.cuts(new int[0][], new Integer[0], 64)).boxed().toList()).containsExactly(0);
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
