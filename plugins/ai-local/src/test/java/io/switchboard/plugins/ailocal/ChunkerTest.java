package io.switchboard.plugins.ailocal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.KnowledgeDocument;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How documents are split into passages; no model involved. */
class ChunkerTest {

  static String words(String word, int n) {
    return (word + " ").repeat(n).strip();
  }

  @Test
  void headingsStartSectionsAndParagraphsArePackedUpToTheLimit() {
    String text = "# Guide\n\nIntro paragraph.\n\n## Billing\n\n" + words("a", 120) + "\n\n" + words("b", 60)
        + "\n\n" + words("c", 50) + "\n\n## Delivery ##\n\nShips fast.\n";
    List<Chunker.Chunk> chunks = Chunker.chunks(new KnowledgeDocument("guide", "Guide", "guide.md", text));

    assertThat(chunks).extracting(Chunker.Chunk::title).containsExactly("Guide", "Billing", "Billing", "Delivery");
    assertThat(chunks.get(0).text()).isEqualTo("Intro paragraph.");
    // 120 + 60 fit in one chunk of at most 200 words; the next 50 do not
    assertThat(Chunker.words(chunks.get(1).text())).isEqualTo(180);
    assertThat(chunks.get(2).text()).isEqualTo(words("c", 50));
    // the heading (and the document's title) are embedded with the chunk, not returned in its text
    assertThat(chunks.get(1).embedText()).startsWith("Guide\nBilling\na a");
    assertThat(chunks.get(3).embedText()).isEqualTo("Guide\nDelivery\nShips fast.");
    assertThat(chunks).allSatisfy(c -> {
      assertThat(c.documentId()).isEqualTo("guide");
      assertThat(c.source()).isEqualTo("guide.md");
    });
  }

  @Test
  void aLongParagraphIsSplitBetweenSentences() {
    String sentence = words("word", 29) + " end.";
    String paragraph = (sentence + " ").repeat(20).strip(); // 600 words, 30 a sentence
    List<Chunker.Chunk> chunks = Chunker.chunks(new KnowledgeDocument("long", "", "", paragraph));

    // four runs of five sentences rather than three of six and a stub of two
    assertThat(chunks).hasSize(4);
    assertThat(chunks).allSatisfy(c -> {
      assertThat(Chunker.words(c.text())).isBetween(Chunker.MIN_WORDS, Chunker.MAX_WORDS);
      assertThat(c.text()).endsWith("end.");
    });
    // a run-on sentence is split by words, evenly
    List<Chunker.Chunk> runOn = Chunker.chunks(new KnowledgeDocument("x", "", "", words("w", 450)));
    assertThat(runOn).extracting(c -> Chunker.words(c.text())).containsExactly(150, 150, 150);
  }

  @Test
  void plainTextAndCodeFences() {
    List<Chunker.Chunk> chunks = Chunker.chunks(new KnowledgeDocument("p", "Plain", "", """
        First paragraph
        on two lines.

        ```
        # not a heading

        still code
        ```
        """));
    assertThat(chunks).hasSize(1);
    assertThat(chunks.get(0).title()).isEqualTo("Plain");
    assertThat(chunks.get(0).text()).contains("First paragraph\non two lines.", "# not a heading\n\nstill code");
    assertThat(Chunker.chunks(new KnowledgeDocument("e", "", "", "  \n\n"))).isEmpty();
  }

  @Test
  void anFaqRowIsOneChunkWithItsQuestionEmbeddedAndItsAnswerReturned() {
    List<Chunker.Chunk> chunks = Chunker.chunks(new KnowledgeDocument("faq", "FAQ", "kb/faq.csv",
        "question,answer\nHow do I reset my password?,\"Use Forgot password, then the link.\"\n\nWhere is my order?,Track it.\n"));
    assertThat(chunks).extracting(Chunker.Chunk::embedText).containsExactly("How do I reset my password?", "Where is my order?");
    assertThat(chunks).extracting(Chunker.Chunk::text).containsExactly("Use Forgot password, then the link.", "Track it.");
    assertThat(chunks).extracting(Chunker.Chunk::title).containsExactly("How do I reset my password?", "Where is my order?");

    assertThatThrownBy(() -> Chunker.chunks(new KnowledgeDocument("faq.csv", "", "", "q,a\nx,y\n")))
        .hasMessage("document 'faq.csv': line 1: the header must name the columns question and answer, got q,a");
  }
}
