package io.switchboard.plugins.ailocal;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Java tokenizer gives the ids of Hugging Face's (DJL's native binding, as LangChain4j uses it). */
class WordPieceTokenizerTest {

  static WordPieceTokenizer tokenizer;
  static HuggingFaceTokenizer reference;

  @BeforeAll
  static void load() throws Exception {
    try (InputStream in = resource()) {
      tokenizer = WordPieceTokenizer.fromJson(in);
    }
    try (InputStream in = resource()) {
      reference = HuggingFaceTokenizer.newInstance(in, Map.of("padding", "false", "truncation", "false"));
    }
  }

  @AfterAll
  static void close() {
    reference.close();
  }

  private static InputStream resource() {
    return WordPieceTokenizerTest.class.getClassLoader().getResourceAsStream(BatchEmbedder.TOKENIZER_RESOURCE);
  }

  @Test
  void idsEqualHuggingFacesOnVariedText() {
    List<String> texts = new ArrayList<>(TestTexts.MESSAGES);
    texts.addAll(List.of("", "   ", "!!!", "a" + "b".repeat(120), "x\u0000y\uFFFDz", "don't won't can't",
        "U.S.A. e.g. i.e. 3.14 1,000,000", "emoji🙂inside words", "日本語のテキスト", "한국어 텍스트",
        "Привет, как дела?", "مرحبا كيف حالك", "ﬁne ligature ǅ titlecase", "Straße groß", "#hashtag @mention $5"));
    List<String> mismatches = new ArrayList<>();
    for (String text : texts) {
      int[] ours = tokenizer.encode(text, 512);
      Encoding theirs = reference.encode(text);
      long[] ids = theirs.getIds();
      if (!Arrays.equals(Arrays.stream(ours).asLongStream().toArray(), ids)) {
        mismatches.add(text + ": " + Arrays.toString(ours) + " vs " + Arrays.toString(ids));
      }
    }
    assertThat(mismatches).isEmpty();
  }

  @Test
  void wordPiecesAndSpecialTokens() {
    assertThat(tokenizer.tokenize("I want a REFUND!")).containsExactly("i", "want", "a", "ref", "##und", "!");
    assertThat(tokenizer.tokenize("unaffable")).containsExactly("una", "##ffa", "##ble");
    assertThat(tokenizer.tokenize("Café [SEP]")).containsExactly("cafe", "[SEP]");
  }

  @Test
  void encodeCutsLongTextsAndKeepsTheEnds() {
    int[] ids = tokenizer.encode("word ".repeat(300), 128);
    assertThat(ids).hasSize(128);
    assertThat(ids[0]).isEqualTo(101);
    assertThat(ids[127]).isEqualTo(102);
    assertThat(tokenizer.encode("", 128)).containsExactly(101, 102);
  }
}
