package io.switchboard.plugins.ailocal;

import io.switchboard.api.StepExecution;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The executions of a step's batch whose text is not blank, with their texts, to be embedded in one
 * call; the blank ones are given their signal at once, without the model.
 */
record TextBatch(List<StepExecution> executions, List<String> texts) {

  static TextBatch of(List<? extends StepExecution> batch, Consumer<StepExecution> blank) {
    List<StepExecution> executions = new ArrayList<>(batch.size());
    List<String> texts = new ArrayList<>(batch.size());
    for (StepExecution e : batch) {
      String text = e.interaction().text();
      if (text.isBlank()) {
        blank.accept(e);
      } else {
        executions.add(e);
        texts.add(text);
      }
    }
    return new TextBatch(executions, texts);
  }

  boolean isEmpty() {
    return texts.isEmpty();
  }
}
