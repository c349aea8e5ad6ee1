package io.switchboard.plugins.ailocal;

import static io.switchboard.plugins.ailocal.BatchEmbedderTest.cosine;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The batched embedder with all-MiniLM-L6-v2 (mean pooling over the attention mask) computes
 * LangChain4j's embeddings of the same model, up to the int8 batching noise and the GELU
 * approximation, as for BGE-small (BatchEmbedderTest).
 */
class MiniLmEmbedderTest {

  static BatchEmbedder embedder;
  static BatchEmbedder exact;
  static AllMiniLmL6V2QuantizedEmbeddingModel reference;

  @BeforeAll
  static void load() {
    embedder = BatchEmbedder.load(BatchEmbedder.Model.MINILM, 2, BatchEmbedder.DEFAULT_MAX_TOKENS,
        BatchEmbedder.DEFAULT_BATCH_SIZE, false);
    exact = BatchEmbedder.load(BatchEmbedder.Model.MINILM, 2, BatchEmbedder.DEFAULT_MAX_TOKENS,
        BatchEmbedder.DEFAULT_BATCH_SIZE, true);
    reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
  }

  @AfterAll
  static void close() {
    embedder.close();
    exact.close();
  }

  @Test
  void exactGeluOneTextACallEqualsLangChain4j() {
    for (String text : TestTexts.MESSAGES) {
      float[] ours = exact.embed(List.of(text))[0];
      float[] theirs = reference.embed(TextSegment.from(text)).content().vector();
      assertThat(cosine(ours, theirs)).as(text).isGreaterThan(0.9999);
    }
  }

  @Test
  void batchedMixedTextsMatchLangChain4jsUpToQuantisationNoise() {
    // Mixed lengths, several calls across two threads, padded rows: padding must not enter the mean.
    // MiniLM's int8 model is noisier under batching than BGE-small's: measured on these texts, cosine to
    // LangChain4j's 0.95 to 1.0, mean 0.99 (the lowest: "ok", 3 tokens, in a call with longer texts, and
    // the emoji text); BGE-small stays above 0.99 (BatchEmbedderTest).
    List<String> texts = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      texts.addAll(TestTexts.MESSAGES);
    }
    List<List<String>> batches = List.of(texts, TestTexts.MESSAGES);
    for (BatchEmbedder e : List.of(embedder, exact)) {
      for (List<String> batch : batches) {
        float[][] batched = e.embed(batch);
        double sum = 0;
        for (int i = 0; i < batch.size(); i++) {
          float[] theirs = reference.embed(TextSegment.from(batch.get(i))).content().vector();
          assertThat(batched[i]).hasSize(BatchEmbedder.DIMENSIONS);
          double c = cosine(batched[i], theirs);
          assertThat(c).as(batch.get(i)).isGreaterThan(0.94);
          sum += c;
          assertThat(cosine(batched[i], batched[i])).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
        }
        assertThat(sum / batch.size()).isGreaterThan(0.985);
      }
    }
    // One text a call with the approximate GELU: above 0.97 (0.973 for "ok", else above 0.985).
    for (String text : TestTexts.MESSAGES) {
      float[] theirs = reference.embed(TextSegment.from(text)).content().vector();
      assertThat(cosine(embedder.embed(List.of(text))[0], theirs)).as(text).isGreaterThan(0.97);
    }
    float[][] v = embedder.embed(List.of("I want a refund", "Please give me my money back", "What time do you open?"));
    assertThat(cosine(v[0], v[1])).isGreaterThan(cosine(v[0], v[2]) + 0.1);
  }

  @Test
  void itsCacheKeysDifferFromBgeSmalls() {
    assertThat(embedder.model()).isEqualTo(BatchEmbedder.Model.MINILM);
    assertThat(embedder.modelKey()).startsWith("all-minilm-l6-v2-q").isNotEqualTo(exact.modelKey());
    assertThat(BatchEmbedder.Model.of("minilm")).isEqualTo(BatchEmbedder.Model.MINILM);
    assertThat(BatchEmbedder.Model.of("bge-small")).isEqualTo(BatchEmbedder.Model.BGE_SMALL);
  }
}
