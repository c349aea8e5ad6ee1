package io.switchboard.plugins.ailocal;

import static io.switchboard.testkit.StepTester.interaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.switchboard.api.Interaction;
import io.switchboard.testkit.StepConfigException;
import io.switchboard.testkit.StepTester;
import io.switchboard.testkit.TestPluginContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ai.intent step, configured and run the way the hub runs it in a tenant's workflow. */
class IntentStepTest {

  static final Map<String, List<String>> INTENTS = Map.of(
      "refund", List.of("I want my money back", "Can I get a refund for my order?", "Please refund me"),
      "delivery", List.of("Where is my package?", "My order has not arrived yet", "When will it be delivered?"),
      "cancel", List.of("Cancel my subscription", "I want to stop my plan", "Please close my account"));

  @TempDir
  Path dir;

  private final TestPluginContext context = new TestPluginContext("ai-local");
  private final StepTester<IntentConfig> step = StepTester.of(new IntentStepFactory(context));

  @Test
  void findsTheIntentOfTheNearestExample() throws Exception {
    step.configure(Map.of("intents", INTENTS));

    Map<String, Object> signals = step.run("I want a refund");

    Map<?, ?> intent = (Map<?, ?>) signals.get("intent");
    assertThat(intent.get("name")).isEqualTo("refund");
    assertThat((Double) intent.get("confidence")).isBetween(0.75, 1.0);
    List<?> alternatives = (List<?>) intent.get("alternatives");
    assertThat(alternatives).hasSize(3);
    assertThat(alternatives.get(0)).isEqualTo(Map.of("name", "refund", "score", intent.get("confidence")));
    assertThat(((Map<?, ?>) alternatives.get(1)).get("score")).asInstanceOf(
        org.assertj.core.api.InstanceOfAssertFactories.DOUBLE).isLessThan((Double) intent.get("confidence"));
    assertThat(name(step.run("my parcel still hasn't shown up"))).isEqualTo("delivery");
    assertThat(name(step.run("terminate my membership please"))).isEqualTo("cancel");
  }

  @Test
  void minilmFindsTheIntentOfTheNearestExampleWithItsOwnEmbedder() throws Exception {
    // MiniLM's cosines run lower than BGE-small's (unrelated sentences near 0 to 0.3): BGE's default threshold of
    // 0.6 would turn right answers into unknown, so a MiniLM tenant sets its own.
    step.configure(Map.of("intents", INTENTS, "model", "minilm", "unknownThreshold", 0.3));

    Map<?, ?> intent = (Map<?, ?>) step.run("I want a refund").get("intent");
    assertThat(intent.get("name")).isEqualTo("refund");
    assertThat((Double) intent.get("confidence")).isBetween(0.5, 1.0);
    assertThat((List<?>) intent.get("alternatives")).hasSize(3);
    assertThat(name(step.run("my parcel still hasn't shown up"))).isEqualTo("delivery");
    assertThat(name(step.run("terminate my membership please"))).isEqualTo("cancel");
    List<Map<String, Object>> batched = step.runBatch(List.of(interaction().text("refund please").build(),
        interaction().text("").build(), interaction().text("where's my stuff").build(),
        interaction().text("I'd like to cancel").build()));
    assertThat(batched).extracting(IntentStepTest::name).containsExactly("refund", "unknown", "delivery", "cancel");

    // One embedder a model, shared; the default stays BGE-small, and the two models' examples are cached apart.
    BatchEmbedder minilm = PluginResources.get().embedder(context.configuration(), BatchEmbedder.Model.MINILM);
    assertThat(PluginResources.get().embedder(context.configuration(), BatchEmbedder.Model.MINILM)).isSameAs(minilm);
    assertThat(PluginResources.get().embedder(context.configuration()).model()).isEqualTo(BatchEmbedder.Model.BGE_SMALL);
    assertThat(IntentStepFactory.cacheKey(minilm, INTENTS))
        .isNotEqualTo(IntentStepFactory.cacheKey(PluginResources.get().embedder(context.configuration()), INTENTS));
  }

  @Test
  void farFromEveryExampleIsUnknown() throws Exception {
    step.configure(Map.of("intents", INTENTS, "unknownThreshold", 0.7));
    Map<?, ?> intent = (Map<?, ?>) step.run("The giraffe is the tallest living animal").get("intent");
    assertThat(intent.get("name")).isEqualTo("unknown");
    assertThat((Double) intent.get("confidence")).isLessThan(0.7);
    assertThat((List<?>) intent.get("alternatives")).hasSize(3);

    assertThat(step.run("   ")).containsEntry("intent", Map.of("name", "unknown", "confidence", 0.0, "alternatives", List.of()));
  }

  @Test
  void aBatchIsEmbeddedTogetherAndGivesWhatSingleRunsGive() throws Exception {
    step.configure(Map.of("intents", INTENTS));
    List<String> texts = List.of("refund please", "", "where's my stuff", "I'd like to cancel", "money back now",
        "has it shipped?");
    List<Interaction> batch = texts.stream().map(t -> interaction().text(t).build()).toList();

    List<Map<String, Object>> batched = step.runBatch(batch);

    assertThat(batched).extracting(IntentStepTest::name)
        .containsExactly("refund", "unknown", "delivery", "cancel", "refund", "delivery");
    for (int i = 0; i < batch.size(); i++) {
      Map<?, ?> single = (Map<?, ?>) step.run(batch.get(i)).get("intent");
      Map<?, ?> together = (Map<?, ?>) batched.get(i).get("intent");
      assertThat(together.get("name")).isEqualTo(single.get("name"));
      // int8 dynamic quantisation scales over the whole batch: scores agree to about 0.01 (here within 0.02), not exactly.
      assertThat((Double) together.get("confidence")).isCloseTo((Double) single.get("confidence"), within(0.02));
    }
  }

  @Test
  void kAveragesEachIntentsNearestExamples() throws Exception {
    step.configure(Map.of("intents", INTENTS, "k", 2));
    Map<?, ?> k2 = (Map<?, ?>) step.run("I want a refund").get("intent");
    step.configure(Map.of("intents", INTENTS));
    Map<?, ?> k1 = (Map<?, ?>) step.run("I want a refund").get("intent");
    assertThat(k2.get("name")).isEqualTo("refund");
    assertThat((Double) k2.get("confidence")).isLessThan((Double) k1.get("confidence"));
  }

  @Test
  void examplesFromACsvRelativeToTheConfigDir() throws Exception {
    Files.writeString(dir.resolve("examples.csv"), """
        text,category
        I am still waiting on my card?,card_arrival
        "What can I do if my card still hasn't arrived after 2 weeks?",card_arrival
        "My card was stolen, please block it",lost_or_stolen_card
        I lost my card,lost_or_stolen_card
        """, StandardCharsets.UTF_8);
    context.config("config-dir", dir.toString());

    step.configure(Map.of("examplesCsv", "examples.csv", "intents", Map.of("refund", List.of("I want my money back"))));

    assertThat(name(step.run("someone took my card"))).isEqualTo("lost_or_stolen_card");
    assertThat(name(step.run("my new card has not come yet"))).isEqualTo("card_arrival");
    assertThat(name(step.run("give me a refund"))).isEqualTo("refund");
  }

  @Test
  void theSameExamplesAreEmbeddedOnceForEveryTenant() {
    Map<String, List<String>> intents = Map.of("greeting", List.of("hello there", "hi!"), "bye", List.of("goodbye"));
    step.configure(Map.of("intents", intents));
    int misses = PluginResources.get().indexMisses();

    StepTester.of(new IntentStepFactory(new TestPluginContext("ai-local"))).configure(Map.of("intents", intents, "k", 3));
    step.configure(Map.of("intents", intents, "unknownThreshold", 0.5));
    assertThat(PluginResources.get().indexMisses()).isEqualTo(misses);

    step.configure(Map.of("intents", Map.of("greeting", List.of("hello there", "hi!"), "bye", List.of("see you"))));
    assertThat(PluginResources.get().indexMisses()).isEqualTo(misses + 1);
  }

  @Test
  void repeatedTextsAreEmbeddedOnceAndGiveTheSameSignal() throws Exception {
    var intent = (IntentStepFactory.IntentStep) new IntentStepFactory(context).create(
        new IntentConfig(INTENTS, null, null, null, 2));
    List<float[]> first = intent.embeddings(List.of("yes", "stop", "yes"));
    assertThat(first.get(0)).isSameAs(first.get(2));
    assertThat(intent.cacheStats()).containsExactly(0, 3);
    List<float[]> second = intent.embeddings(List.of("stop", "thanks", "yes"));
    assertThat(second.get(0)).isSameAs(first.get(1));
    assertThat(second.get(2)).isSameAs(first.get(0));
    assertThat(intent.cacheStats()).containsExactly(2, 6);
    // Two entries kept, least recently used dropped: "stop" went out when "thanks" came in after "yes".
    intent.embeddings(List.of("stop"));
    assertThat(intent.cacheStats()).containsExactly(2, 7);

    var uncached = (IntentStepFactory.IntentStep) new IntentStepFactory(context).create(
        new IntentConfig(INTENTS, null, null, null, 0));
    uncached.embeddings(List.of("yes", "yes"));
    assertThat(uncached.cacheStats()).containsExactly(0, 0);

    // Through the step: the same text gives the same signal, cached or not, alone or in a batch.
    step.configure(Map.of("intents", INTENTS));
    Map<String, Object> alone = step.run("I want my money back please");
    List<Map<String, Object>> batch = step.runBatch(List.of(interaction().text("where is it?").build(),
        interaction().text("I want my money back please").build()));
    assertThat(batch.get(1)).isEqualTo(alone);
    step.configure(Map.of("intents", INTENTS, "cacheSize", 0));
    Map<String, Object> fresh = step.run("I want my money back please");
    assertThat(((Map<?, ?>) fresh.get("intent")).get("name")).isEqualTo("refund");
  }

  @Test
  void configErrorsNameTheField() throws Exception {
    assertThatThrownBy(() -> step.configure(Map.of("intent", INTENTS)))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.intent': unknown field 'intent'; known fields: cacheSize, examplesCsv, intents, k, model, unknownThreshold");
    assertThatThrownBy(() -> step.configure(Map.of()))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.intent': intents: give at least one intent with example utterances, inline or through examplesCsv");
    assertThatThrownBy(() -> step.configure(Map.of("intents", Map.of("refund", List.of()))))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.intent': intents.refund: give at least one example utterance");
    assertThatThrownBy(() -> step.configure(Map.of("intents", Map.of("refund", List.of("ok", " ")))))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.intent': intents.refund[1]: must not be blank");
    assertThatThrownBy(() -> step.configure(Map.of("intents", Map.of("unknown", List.of("?")))))
        .isInstanceOf(StepConfigException.class)
        .hasMessageContaining("intents: 'unknown' is what the step answers below unknownThreshold");
    assertThatThrownBy(() -> step.configure(Map.of("intents", INTENTS, "k", 0)))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.intent': k: must be between 1 and 100, got 0");
    assertThatThrownBy(() -> step.configure(Map.of("intents", INTENTS, "unknownThreshold", 1.5)))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.intent': unknownThreshold: must be a cosine similarity in [-1, 1], got 1.5");
    assertThatThrownBy(() -> step.configure(Map.of("intents", INTENTS, "cacheSize", -1)))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.intent': cacheSize: must be between 0 and 100000, got -1");
    assertThatThrownBy(() -> step.configure(Map.of("intents", INTENTS, "model", "gpt")))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.intent': model: must be one of bge-small, minilm, got 'gpt'");
    assertThatThrownBy(() -> step.configure(Map.of("intents", List.of("refund"))))
        .isInstanceOf(StepConfigException.class)
        .hasMessageStartingWith("step 'ai.intent': field 'intents' must be");

    context.config("config-dir", dir.toString());
    assertThatThrownBy(() -> step.configure(Map.of("examplesCsv", "missing.csv")))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.intent': examplesCsv: no such file: " + dir.resolve("missing.csv")
            + " (relative paths resolve against the plugin setting config-dir, else the working directory)");
    Files.writeString(dir.resolve("bad.csv"), "utterance,label\nhi,greeting\n");
    assertThatThrownBy(() -> step.configure(Map.of("examplesCsv", "bad.csv")))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.intent': examplesCsv: " + dir.resolve("bad.csv")
            + ": line 1: the header must name the columns text and category, got utterance,label");
    Files.writeString(dir.resolve("short.csv"), "text,category\nhi,greeting\n\"unclosed,greeting\n");
    assertThatThrownBy(() -> step.configure(Map.of("examplesCsv", "short.csv")))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.intent': examplesCsv: " + dir.resolve("short.csv") + ": record 3: a quoted field is not closed");
  }

  private static Object name(Map<String, Object> signals) {
    return ((Map<?, ?>) signals.get("intent")).get("name");
  }
}
