package io.switchboard.plugins.aillm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kb signal of an earlier ai.kb step, read defensively. */
class KbSignalTest {

  @Test
  void readsPassagesAndTheConfidentAnswer() {
    KbSignal kb = KbSignal.from(LlmStepTest.KB);

    assertThat(kb.answer()).isEqualTo("Parcels arrive in 3-5 working days.");
    assertThat(kb.passages()).extracting(KbSignal.Passage::id).containsExactly("p1", "p2");
    assertThat(kb.promptText()).isEqualTo("[1] Delivery: Parcels arrive in 3-5 working days.\n"
        + "[2] Returns: Returns are free for 30 days.");
  }

  @Test
  void anythingElseReadsAsNoPassages() {
    assertThat(KbSignal.from(null)).isEqualTo(KbSignal.EMPTY);
    assertThat(KbSignal.from("kb")).isEqualTo(KbSignal.EMPTY);
    assertThat(KbSignal.from(Map.of("passages", "none", "answer", "  "))).isEqualTo(KbSignal.EMPTY);
    KbSignal odd = KbSignal.from(Map.of("passages", List.of("x", Map.of("text", ""), Map.of("text", "Only text", "id", 7)),
        "answer", 42));
    assertThat(odd.passages()).containsExactly(new KbSignal.Passage("7", "", "", "Only text"));
    assertThat(odd.answer()).isEqualTo("42");
    assertThat(odd.promptText()).isEqualTo("[1] Only text");
  }

  @Test
  void atMostFivePassagesGoIntoThePrompt() {
    List<Map<String, Object>> many = java.util.stream.IntStream.range(0, 9)
        .mapToObj(i -> Map.<String, Object>of("text", "t" + i)).toList();
    assertThat(KbSignal.from(Map.of("passages", many)).promptText().lines()).hasSize(KbSignal.PROMPT_PASSAGES);
  }
}
