package io.switchboard.plugins.ailocal;

import static io.switchboard.testkit.StepTester.interaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.Interaction;
import io.switchboard.api.KnowledgeDocument;
import io.switchboard.testkit.StepConfigException;
import io.switchboard.testkit.StepTester;
import io.switchboard.testkit.TestPluginContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ai.kb step, configured and run the way the hub runs it in a tenant's workflow. */
class KbStepTest {

  @TempDir
  Path dir;

  private final TestPluginContext context = new TestPluginContext("ai-local");
  private final StepTester<KbConfig> step = StepTester.of(new KbStepFactory(context));

  @BeforeEach
  void files() throws Exception {
    Files.createDirectories(dir.resolve("kb/shop"));
    Files.writeString(dir.resolve("kb/shop/faq.csv"), """
        question,answer
        How do I reset my password?,"Choose Forgot password on the sign-in page, then follow the emailed link."
        Where is my order?,Use the tracking link in your shipping email.
        """, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("kb/shop/refunds.md"), """
        # Refunds

        ## When the money comes back

        We refund to the original payment method within five working days of receiving the return.
        """, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("kb/shop/notes.txt"), "not matched by the glob", StandardCharsets.UTF_8);
    context.config("config-dir", dir.toString());
  }

  @Test
  void findsPassagesInItsSourcesAndAnswersWhenClose() throws Exception {
    step.configure(Map.of("sources", List.of("kb/shop/*.md", "kb/shop/faq.csv")));

    Map<?, ?> kb = (Map<?, ?>) step.run("how do I reset my password").get("kb");

    assertThat(kb.get("query")).isEqualTo("how do I reset my password");
    List<?> passages = (List<?>) kb.get("passages");
    assertThat(passages).isNotEmpty().hasSizeLessThanOrEqualTo(3);
    Map<?, ?> best = (Map<?, ?>) passages.get(0);
    assertThat(best.keySet()).extracting(Object::toString).containsExactly("id", "source", "title", "text", "score");
    assertThat(best.get("id")).isEqualTo("kb/shop/faq.csv");
    assertThat(best.get("title")).isEqualTo("How do I reset my password?");
    assertThat((Double) best.get("score")).isGreaterThanOrEqualTo(0.75);
    assertThat(kb.get("answer")).isEqualTo("Choose Forgot password on the sign-in page, then follow the emailed link.");
    // scores are rounded to four decimals and none is below minScore
    for (Object p : passages) {
      double score = (Double) ((Map<?, ?>) p).get("score");
      assertThat(score).isGreaterThanOrEqualTo(0.5).isEqualTo(Math.round(score * 10_000) / 10_000.0);
    }

    Map<?, ?> refund = (Map<?, ?>) step.run("when do I get my money back").get("kb");
    Map<?, ?> refundBest = (Map<?, ?>) ((List<?>) refund.get("passages")).get(0);
    assertThat(refundBest.get("id")).isEqualTo("kb/shop/refunds.md");
    assertThat(refundBest.get("title")).isEqualTo("When the money comes back");
  }

  @Test
  void noAnswerBelowTheThresholdAndNothingBelowMinScore() throws Exception {
    step.configure(Map.of("sources", List.of("kb/shop/faq.csv"), "answerThreshold", 0.99, "minScore", 0.0, "topK", 1));
    Map<?, ?> kb = (Map<?, ?>) step.run("how do I reset my password").get("kb");
    assertThat((List<?>) kb.get("passages")).hasSize(1);
    assertThat(kb.containsKey("answer")).isFalse();

    step.configure(Map.of("sources", List.of("kb/shop/faq.csv"), "minScore", 0.95));
    Map<?, ?> far = (Map<?, ?>) step.run("The giraffe is the tallest living animal").get("kb");
    assertThat((List<?>) far.get("passages")).isEmpty();
    assertThat(far.containsKey("answer")).isFalse();
  }

  @Test
  void mergesItsSourcesWithTheTenantsDocuments() throws Exception {
    TenantKnowledge shared = PluginResources.get().knowledge();
    BatchEmbedder embedder = PluginResources.get().embedder(context.configuration());
    shared.upsert("kb-step-a", new KnowledgeDocument("hours", "Opening hours", "api",
        "# Opening hours\n\nThe shop is open from 9 to 5, Monday to Friday."), embedder);
    shared.upsert("kb-step-b", new KnowledgeDocument("secret", "Tenant B", "api",
        "# Opening hours\n\nTenant B's shop is open at night."), embedder);
    try {
      step.configure(Map.of("sources", List.of("kb/shop/faq.csv"), "minScore", 0.0, "topK", 5));
      Interaction a = interaction().tenant("kb-step-a").text("when is the shop open").build();

      List<?> passages = (List<?>) ((Map<?, ?>) step.run(a).get("kb")).get("passages");

      assertThat(passages).extracting(p -> (Object) ((Map<?, ?>) p).get("id")).first().isEqualTo("hours");
      assertThat(passages).extracting(p -> (Object) ((Map<?, ?>) p).get("id")).contains("kb/shop/faq.csv").doesNotContain("secret");
      assertThat(passages).extracting(p -> (Double) ((Map<?, ?>) p).get("score")).isSortedAccordingTo((x, y) -> Double.compare(y, x));

      // without sources the step searches only the tenant's documents
      step.configure(Map.of("minScore", 0.0));
      assertThat((List<?>) ((Map<?, ?>) step.run(a).get("kb")).get("passages"))
          .extracting(p -> (Object) ((Map<?, ?>) p).get("id")).containsExactly("hours");
    } finally {
      shared.delete("kb-step-a", "hours");
      shared.delete("kb-step-b", "secret");
    }
  }

  @Test
  void aBatchIsEmbeddedTogetherAndBlankTextsGetNoPassages() throws Exception {
    step.configure(Map.of("sources", List.of("kb/shop/faq.csv")));
    List<Map<String, Object>> out = step.runBatch(List.of(
        interaction().text("I forgot my password").build(),
        interaction().text("  ").build(),
        interaction().text("where is my order").build()));

    assertThat(out).extracting(s -> title((Map<?, ?>) s.get("kb")))
        .containsExactly("How do I reset my password?", null, "Where is my order?");
    assertThat(out.get(1)).containsEntry("kb", Map.of("query", "  ", "passages", List.of()));
  }

  @Test
  void configErrorsNameTheField() {
    assertThatThrownBy(() -> step.configure(Map.of("sources", List.of("kb/none/*.md"))))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.kb': sources[0]: no file matches " + dir.resolve("kb/none/*.md")
            + " (relative paths resolve against the plugin setting config-dir, else the working directory)");
    assertThatThrownBy(() -> step.configure(Map.of("sources", List.of("kb/shop/faq.csv", "kb/shop/missing.md"))))
        .isInstanceOf(StepConfigException.class)
        .hasMessageStartingWith("step 'ai.kb': sources[1]: no such file: " + dir.resolve("kb/shop/missing.md"));
    assertThatThrownBy(() -> step.configure(Map.of("topK", 0)))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.kb': topK: must be between 1 and 20, got 0");
    assertThatThrownBy(() -> step.configure(Map.of("answerThreshold", 2.0)))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.kb': answerThreshold: must be a cosine similarity in [-1, 1], got 2.0");
    assertThatThrownBy(() -> step.configure(Map.of("source", List.of("x"))))
        .isInstanceOf(StepConfigException.class)
        .hasMessageStartingWith("step 'ai.kb': unknown field 'source'");
  }

  private static Object title(Map<?, ?> kb) {
    List<?> passages = (List<?>) kb.get("passages");
    return passages.isEmpty() ? null : ((Map<?, ?>) passages.get(0)).get("title");
  }
}
