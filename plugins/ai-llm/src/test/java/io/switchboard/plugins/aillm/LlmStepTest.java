package io.switchboard.plugins.aillm;

import static io.switchboard.testkit.StepTester.interaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.api.Interaction;
import io.switchboard.testkit.StepConfigException;
import io.switchboard.testkit.StepTester;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ai.llm step against a local server speaking OpenAI's chat-completions wire format, through
 * the real LangChain4j client, configured and run the way the hub runs it in a tenant's workflow.
 */
class LlmStepTest {

  static final String KEY = "sk-test-9f8e7d6c5b4a39281706";

  static final Map<String, Object> KB = Map.of(
      "query", "where is my parcel",
      "passages", List.of(
          Map.of("id", "p1", "source", "faq.md", "title", "Delivery", "text", "Parcels arrive in 3-5 working days.",
              "score", 0.83),
          Map.of("id", "p2", "source", "faq.md", "title", "Returns", "text", "Returns are free for 30 days.",
              "score", 0.41)),
      "answer", "Parcels arrive in 3-5 working days.");

  private StubOpenAi stub;
  private CapturingContext context;
  private StepTester<LlmConfig> step;

  @BeforeEach
  void start() throws Exception {
    stub = new StubOpenAi();
    context = new CapturingContext();
    step = StepTester.of(new LlmStepFactory(context));
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  private Map<String, Object> config(Object... more) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("baseUrl", stub.baseUrl());
    c.put("model", "gpt-4o-mini");
    c.put("apiKey", KEY);
    for (int i = 0; i < more.length; i += 2) {
      c.put((String) more[i], more[i + 1]);
    }
    return c;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> llm(Map<String, Object> signals) {
    return (Map<String, Object>) signals.get(LlmStep.SIGNAL);
  }

  @Test
  void aReplySuggestionFromTheModel() throws Exception {
    step.configure(config("prompt", "{{channel}}|{{contact.displayName}}|{{text}}\n{{kb}}"));
    step.signals(Map.of("kb", KB));

    Map<String, Object> signal = llm(step.run(interaction().channel("whatsapp").text("Where is my parcel?")));

    StubOpenAi.Received got = stub.last();
    assertThat(got.authorization()).isEqualTo("Bearer " + KEY);
    assertThat(got.model()).isEqualTo("gpt-4o-mini");
    assertThat(got.body().path("max_tokens").asInt()).isEqualTo(200);
    assertThat(got.body().path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(got.message("system")).isEqualTo(LlmConfig.REPLY_SYSTEM.replace("{{channel}}", "whatsapp"));
    assertThat(got.message("user")).isEqualTo("whatsapp||Where is my parcel?\n"
        + "[1] Delivery: Parcels arrive in 3-5 working days.\n[2] Returns: Returns are free for 30 days.");
    assertThat(signal).containsEntry("mode", "reply").containsEntry("text", "Your parcel arrives tomorrow.")
        .containsEntry("source", "llm").containsEntry("model", "gpt-4o-mini").containsKey("latencyMs")
        .doesNotContainKey("fallbackReason");
    assertThat(signal.get("latencyMs")).isInstanceOf(Long.class);
    assertThat(context.metrics().counter(LlmStep.CALLS, Map.of("mode", "reply", "outcome", "success"))).isEqualTo(1);
    assertThat(context.metrics().timings(LlmStep.LATENCY)).hasSize(1);
    assertThat(context.metrics().counter(LlmStep.FALLBACKS)).isZero();
  }

  @Test
  void summaryModeSendsTheEarlierStepsFindings() throws Exception {
    stub.replies("Customer wants a refund for a late order and is upset.");
    step.configure(config("mode", "summary", "maxTokens", 80, "temperature", 0.0));
    step.signals(Map.of("intent", Map.of("name", "refund", "confidence", 0.91), "sentiment",
        Map.of("label", "negative", "compound", -0.6)));

    Map<String, Object> signal = llm(step.run(interaction().text("My order is a week late, I want my money back")));

    StubOpenAi.Received got = stub.last();
    assertThat(got.message("system")).isEqualTo(LlmConfig.SUMMARY_SYSTEM);
    assertThat(got.message("user")).contains("Channel: sms", "Detected intent: refund", "Sentiment: negative",
        "Message: My order is a week late, I want my money back");
    assertThat(got.body().path("max_tokens").asInt()).isEqualTo(80);
    assertThat(got.body().path("temperature").asDouble()).isEqualTo(0.0);
    assertThat(signal).containsEntry("mode", "summary").containsEntry("source", "llm")
        .containsEntry("text", "Customer wants a refund for a late order and is upset.");
  }

  @Test
  void aServerErrorFallsBackToTheKnowledgeBaseThenTheTemplate() throws Exception {
    stub.fails(500, "The server had an error");
    step.configure(config("fallbackText", "Thanks {{contact.displayName}}, a colleague will answer on {{channel}}."));

    step.signals(Map.of("kb", KB));
    Map<String, Object> kb = llm(step.run("Where is my parcel?"));
    assertThat(kb).containsEntry("source", "kb").containsEntry("text", "Parcels arrive in 3-5 working days.")
        .containsEntry("fallbackReason", "error: http 500").containsEntry("mode", "reply")
        .containsEntry("model", "gpt-4o-mini").containsKey("latencyMs");

    // passages, but none confident enough for an answer
    Map<String, Object> noAnswer = new LinkedHashMap<>(KB);
    noAnswer.remove("answer");
    step.signals(Map.of("kb", noAnswer));
    assertThat(llm(step.run("Where is my parcel?"))).containsEntry("source", "template")
        .containsEntry("text", "Thanks , a colleague will answer on sms.")
        .containsEntry("fallbackReason", "error: http 500");

    step.signals(Map.of());
    step.configure(config("fallback", "template", "fallbackText", "We will get back to you."));
    step.signals(Map.of("kb", KB));
    assertThat(llm(step.run("Where is my parcel?"))).containsEntry("source", "template")
        .containsEntry("text", "We will get back to you.");

    step.configure(config("fallback", "none"));
    assertThat(llm(step.run("Where is my parcel?"))).containsEntry("source", "none").containsEntry("text", "")
        .containsEntry("fallbackReason", "error: http 500");
    assertThat(context.metrics().counter(LlmStep.FALLBACKS, Map.of("mode", "reply", "reason", "error", "source", "kb")))
        .isEqualTo(1);
    assertThat(context.metrics().counter(LlmStep.CALLS, Map.of("mode", "reply", "outcome", "error"))).isEqualTo(4);
  }

  @Test
  void aServerThatAcceptsAndHangsIsCutOffAtTheTimeout() throws Exception {
    stub.hangs();
    step.configure(config("timeoutMs", 500));
    step.signals(Map.of("kb", KB));

    long started = System.nanoTime();
    Map<String, Object> signal = llm(step.run("Where is my parcel?"));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(stub.calls()).isEqualTo(1);
    assertThat(signal).containsEntry("source", "kb").containsEntry("fallbackReason", "timeout");
    assertThat(context.metrics().counter(LlmStep.CALLS, Map.of("mode", "reply", "outcome", "timeout"))).isEqualTo(1);
  }

  @Test
  void anUnreachableServerIsAnErrorNamedByItsClass() throws Exception {
    String url = stub.baseUrl();
    stub.close();
    step.configure(config("baseUrl", url, "fallback", "none"));

    assertThat((String) llm(step.run("hello")).get("fallbackReason")).startsWith("error: ").doesNotContain(" at ");
  }

  @Test
  void theBreakerOpensAfterFailuresAndThenFallsBackWithoutCalling() throws Exception {
    stub.fails(503, "overloaded");
    step.configure(config("circuitBreaker", Map.of("minimumCalls", 3, "failureRateThreshold", 50, "openMs", 60_000)));
    step.signals(Map.of("kb", KB));

    for (int i = 0; i < 3; i++) {
      assertThat(llm(step.run("hi"))).containsEntry("fallbackReason", "error: http 503");
    }
    assertThat(stub.calls()).isEqualTo(3);

    stub.replies("the model is back, but the breaker is still open");
    for (int i = 0; i < 5; i++) {
      assertThat(llm(step.run("hi"))).containsEntry("fallbackReason", "circuit_open").containsEntry("source", "kb");
    }
    List<Map<String, Object>> batch = step.runBatch(List.of(interaction().text("a").build(), interaction().text("b").build()));
    assertThat(batch).extracting(s -> llm(s).get("fallbackReason")).containsOnly("circuit_open");
    assertThat(stub.calls()).isEqualTo(3);
    assertThat(context.metrics().counter(LlmStep.FALLBACKS, Map.of("mode", "reply", "reason", "circuit_open", "source", "kb")))
        .isEqualTo(7);
    assertThat(context.logged()).anyMatch(l -> l.contains("circuit breaker") && l.contains("CLOSED, OPEN"));
  }

  @Test
  void theBreakerLetsATrialThroughAfterOpenMs() throws Exception {
    stub.fails(500, "down");
    step.configure(config("circuitBreaker", Map.of("minimumCalls", 1, "openMs", 200)));
    step.run("hi");
    assertThat(llm(step.run("hi"))).containsEntry("fallbackReason", "circuit_open");

    stub.replies("recovered");
    Thread.sleep(400);
    assertThat(llm(step.run("hi"))).containsEntry("source", "llm").containsEntry("text", "recovered");
    assertThat(llm(step.run("hi"))).containsEntry("source", "llm");
  }

  @Test
  void aBatchAgainstAHangingServerTakesAboutOneTimeoutNotTwentyOfThem() throws Exception {
    stub.hangs();
    // The breaker must not open mid-batch and hide the deadline; 20 sequential calls would take 20 s.
    step.configure(config("timeoutMs", 1000, "circuitBreaker", Map.of("minimumCalls", 100)));
    List<Interaction> batch = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      batch.add(interaction().text("message " + i).build());
    }

    long started = System.nanoTime();
    List<Map<String, Object>> signals = step.runBatch(batch);

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(signals).hasSize(20).allSatisfy(s -> assertThat(llm(s)).containsEntry("fallbackReason", "timeout")
        .containsEntry("source", "none"));
    // At most `concurrency` calls ever reached the server; the rest never left the queue.
    assertThat(stub.calls()).isBetween(1, LlmConfig.DEFAULT_CONCURRENCY);
  }

  @Test
  void aBatchGivesEachInteractionItsOwnAnswer() throws Exception {
    step.configure(config("prompt", "{{text}}", "concurrency", 2));
    List<Map<String, Object>> signals = step.runBatch(List.of(
        interaction().text("one").build(), interaction().text("two").build(), interaction().text("three").build()));

    assertThat(signals).allSatisfy(s -> assertThat(llm(s)).containsEntry("source", "llm"));
    assertThat(stub.received()).extracting(r -> r.message("user")).containsExactlyInAnyOrder("one", "two", "three");
  }

  @Test
  void aDryRunCallsTheModelItIsReadOnly() throws Exception {
    step.configure(config()).dryRun(true);

    assertThat(llm(step.run("hello"))).containsEntry("source", "llm");
    assertThat(stub.calls()).isEqualTo(1);
    assertThat(step.actions()).isEmpty();
  }

  @Test
  void anEmptyAnswerFallsBack() throws Exception {
    stub.replies("  ");
    step.configure(config("fallback", "template", "fallbackText", "Hello from {{channel}}"));

    assertThat(llm(step.run("hello"))).containsEntry("source", "template").containsEntry("text", "Hello from sms")
        .containsEntry("fallbackReason", "error: EmptyReplyException");
  }

  @Test
  void configErrorsNameTheField() {
    assertThatThrownBy(() -> step.configure(config("temprature", 0.5))).isInstanceOf(StepConfigException.class)
        .hasMessageContaining("unknown field 'temprature'");
    assertError(config("mode", "chat"), "mode: must be one of [reply, summary], got 'chat'");
    assertError(config("baseUrl", null), "baseUrl: give the API's base URL");
    assertError(config("baseUrl", "ftp://example.com/v1"), "baseUrl: must be an http or https URL with a host");
    assertError(config("baseUrl", "https://user:" + KEY + "@example.com/v1"), "baseUrl: must not carry credentials");
    assertError(config("model", " "), "model: give the model name");
    assertError(config("apiKey", null), "apiKey: required");
    assertError(config("apiKey", KEY + "\n"), "apiKey: must not contain whitespace");
    assertError(config("apiKey", "${secret:openai}"), "apiKey: is an unresolved reference");
    assertError(config("timeoutMs", 0), "timeoutMs: must be between 1 and 60000, got 0");
    assertError(config("maxTokens", -1), "maxTokens: must be between 1 and 32768, got -1");
    assertError(config("concurrency", 65), "concurrency: must be between 1 and 64, got 65");
    assertError(config("temperature", 3.0), "temperature: must be between 0 and 2, got 3.0");
    assertError(config("circuitBreaker", Map.of("failureRateThreshold", 0)), "circuitBreaker.failureRateThreshold:");
    assertError(config("circuitBreaker", Map.of("minimumCalls", 0)), "circuitBreaker.minimumCalls: must be between");
    assertError(config("circuitBreaker", Map.of("openMs", -5)), "circuitBreaker.openMs: must be between");
    assertError(config("fallback", "silence"), "fallback: must be one of [kb, none, template], got 'silence'");
    assertError(config("fallback", "template"), "fallbackText: required with fallback: template");
    assertError(config("prompt", ""), "prompt: must not be blank");
    assertError(config("prompt", "Hi {{customer}}"), "prompt: unknown placeholder {{customer}}; known placeholders:"
        + " {{text}}, {{contact.displayName}}, {{channel}}, {{kb}}, {{intent}}, {{sentiment}}");
    assertError(config("system", "{{text"), "system: '{{' without a matching '}}'");
    assertError(config("fallbackText", "{{signals.kb.answer}}"), "fallbackText: unknown placeholder {{signals.kb.answer}}");
    assertThatThrownBy(() -> step.configure(config("circuitBreaker", Map.of("open", 5))))
        .isInstanceOf(StepConfigException.class).hasMessageContaining("unknown field");
  }

  private void assertError(Map<String, Object> config, String message) {
    assertThatThrownBy(() -> step.configure(config)).as(message).isInstanceOf(StepConfigException.class)
        .hasMessageContaining("step 'ai.llm': " + message).satisfies(e -> assertThat(e.toString()).doesNotContain(KEY));
  }

  @Test
  void theKeyNeverShowsInSignalsLogsOrErrors() throws Exception {
    List<Object> seen = new ArrayList<>();
    step.configure(config("timeoutMs", 500, "fallbackText", "sorry"));
    seen.add(step.config());
    seen.add(step.run("hello"));
    // OpenAI's 401 quotes the key it refused
    stub.fails(401, "Incorrect API key provided: " + KEY + ". You can find your API key at ...");
    seen.add(step.run("hello"));
    stub.fails(400, "bad request for key " + KEY);
    seen.add(step.run("hello"));
    stub.hangs();
    seen.add(step.run("hello"));
    seen.add(new LlmConfig(null, "https://api.openai.com/v1", "m", KEY, null, null, null, null, null, null, null, null,
        null));

    assertThat(seen.toString()).doesNotContain(KEY).contains("error: http 401", "error: http 400", "timeout");
    assertThat(context.logged()).isNotEmpty().allSatisfy(l -> assertThat(l).doesNotContain(KEY));
  }
}
