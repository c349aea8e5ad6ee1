package io.switchboard.plugins.aillm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code kb} signal an earlier {@code ai.kb} step wrote, read defensively: the step may be
 * missing from the workflow, may have found nothing, or may write a shape this plugin does not know
 * yet, and none of that may fail {@code ai.llm}. What it expects:
 *
 * <pre>{@code
 * kb:
 *   query: "where is my parcel"
 *   passages: [{id: p1, source: faq.md, title: Delivery, text: "...", score: 0.82}, ...]   # best first
 *   answer: "Parcels arrive in 3-5 days ..."   # only when the top passage is confident
 * }</pre>
 *
 * @param passages the passages, best first; empty when there are none or the signal is absent
 * @param answer the confident answer, or null
 */
record KbSignal(List<Passage> passages, String answer) {

  /** The signal's name. */
  static final String NAME = "kb";

  /** How many passages {@code {{kb}}} puts into a prompt. */
  static final int PROMPT_PASSAGES = 5;

  /** One passage; every field may be empty. */
  record Passage(String id, String source, String title, String text) {}

  static final KbSignal EMPTY = new KbSignal(List.of(), null);

  /** Reads the signal's value; anything that is not the expected shape reads as no passages. */
  static KbSignal from(Object signal) {
    if (!(signal instanceof Map<?, ?> kb)) {
      return EMPTY;
    }
    List<Passage> passages = new ArrayList<>();
    if (kb.get("passages") instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof Map<?, ?> p) {
          String text = string(p.get("text"));
          if (!text.isBlank()) {
            passages.add(new Passage(string(p.get("id")), string(p.get("source")), string(p.get("title")), text));
          }
        }
      }
    }
    String answer = string(kb.get("answer"));
    return new KbSignal(List.copyOf(passages), answer.isBlank() ? null : answer.strip());
  }

  /**
   * The passages as prompt text, one per line: {@code [1] Title: text}; empty when there are none.
   * At most {@value #PROMPT_PASSAGES}, so that a generous knowledge base does not blow the prompt up.
   */
  String promptText() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(PROMPT_PASSAGES, passages.size()); i++) {
      Passage p = passages.get(i);
      if (i > 0) {
        out.append('\n');
      }
      out.append('[').append(i + 1).append("] ");
      if (!p.title().isBlank()) {
        out.append(p.title().strip()).append(": ");
      }
      out.append(p.text().strip());
    }
    return out.toString();
  }

  private static String string(Object o) {
    return o instanceof String s ? s : o == null ? "" : String.valueOf(o);
  }
}
