package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.runtime.util.Json;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every AI and scoring step through one tenant's workflow on a real hub, with the ai-local and
 * ai-llm plugins as installed archives and a local server speaking OpenAI's chat-completions wire
 * format: sentiment, language, intent, knowledge base, an LLM reply, lead and health scores, and the
 * reply action. When the LLM hangs, the step falls back to the knowledge-base answer within its
 * timeout and the pipeline goes on.
 */
class AiWorkflowIT {

  @TempDir
  static Path dir;

  static HubFixture hub;
  static HttpServer llm;
  static volatile boolean hang;
  static final CountDownLatch release = new CountDownLatch(1);
  static final List<String[]> calls = new CopyOnWriteArrayList<>();

  static final String KEY = "sb_aiflow_key";
  static final String TOKEN = "aiflow-token";
  static final String NUMBER = "+15550009100";
  static final String LLM_KEY = "sk-test-aiflow-0123456789";

  @BeforeAll
  static void start() throws Exception {
    llm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    llm.setExecutor(Executors.newCachedThreadPool());
    llm.createContext("/v1/chat/completions", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      calls.add(new String[] {ex.getRequestHeaders().getFirst("Authorization"), body});
      if (hang) {
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        ex.close();
        return;
      }
      byte[] out = """
          {"id":"chatcmpl-1","object":"chat.completion","created":1733100000,"model":"gpt-4o-mini",
           "choices":[{"index":0,"message":{"role":"assistant","content":"Use Forgot password on the sign-in page."},
                       "finish_reason":"stop"}],
           "usage":{"prompt_tokens":120,"completion_tokens":9,"total_tokens":129}}"""
          .getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    llm.start();
    hub = HubFixture.prepare(dir);
    Files.writeString(hub.home.resolve("config/tenants/aiflow.yaml"), """
        id: aiflow
        apiKeys: [%s]
        channels:
          twilio:
            phoneNumbers: ["%s"]
            secrets: {authToken: %s}
        secrets:
          openai: %s
        plugins: [ai-local, ai-llm]
        workflow:
          steps:
            - step: ai.sentiment
            - step: ai.language
            - step: ai.intent
              config:
                intents:
                  account_access: ["I forgot my password", "I can't log in", "reset my login"]
                  delivery: ["where is my parcel", "my order has not arrived", "when will it be delivered"]
                  pricing: ["how much does the premium plan cost", "what are your prices", "is there a discount"]
            - step: ai.kb
              config: {sources: [kb/demo/*.md, kb/demo/faq.csv]}
            - step: ai.llm
              config:
                baseUrl: "http://127.0.0.1:%d/v1"
                model: gpt-4o-mini
                apiKey: "${secret:openai}"
                timeoutMs: 1500
                prompt: "Customer wrote: {{text}}\\nPassages:\\n{{kb}}"
                fallback: kb
                fallbackText: "Thanks, a colleague will answer shortly."
            - step: score.lead
              config: {intents: {pricing: 30}}
            - step: score.health
            - step: reply
              when: "signals.llm.text != ''"
              config: {text: "{{signals.llm.text}}"}
        """.formatted(KEY, NUMBER, TOKEN, LLM_KEY, llm.getAddress().getPort()));
    hub.start();
  }

  @AfterAll
  static void stop() {
    release.countDown();
    if (hub != null) {
      hub.close();
    }
    llm.stop(0);
  }

  static JsonNode sms(String from, String text) throws Exception {
    String sid = HubIT.newSid();
    HttpResponse<String> r = hub.postTwilio("/webhooks/aiflow/twilio/sms", TwilioSigner.inboundSms(sid, from, NUMBER, text), TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    return HubIT.awaitInteractionOn(hub, KEY, "aiflow", sid);
  }

  static String replyText(String interactionId) throws Exception {
    try (var c = hub.hub.dataSource().getConnection(); var ps = c.prepareStatement(
        "select payload->>'text' from actions where tenant_id = 'aiflow' and type = 'reply' and interaction_id = ?::uuid")) {
      ps.setString(1, interactionId);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  @Test
  void everyAiAndScoringStepRunsThroughTheWorkflow() throws Exception {
    hang = false;
    JsonNode i = sms("+15552230001", "Hi, I forgot my password and can't sign in. How do I reset it?");
    JsonNode s = i.path("signals");
    assertThat(s.path("sentiment").has("compound")).isTrue();
    assertThat(s.path("language").path("code").asText()).isEqualTo("en");
    assertThat(s.path("intent").path("name").asText()).isEqualTo("account_access");
    assertThat(s.path("kb").path("passages").size()).isPositive();
    assertThat(s.path("kb").path("passages").get(0).path("text").asText().toLowerCase()).contains("password");
    assertThat(s.path("llm").path("source").asText()).isEqualTo("llm");
    assertThat(s.path("llm").path("text").asText()).isEqualTo("Use Forgot password on the sign-in page.");
    assertThat(s.path("scores").path("lead").path("score").asInt()).isBetween(0, 100);
    assertThat(s.path("scores").path("health").path("level").asText()).isIn("healthy", "at_risk", "critical");
    assertThat(replyText(i.path("id").asText())).isEqualTo("Use Forgot password on the sign-in page.");

    // the LLM got the tenant's key from its secrets and a prompt with the knowledge-base passages
    String[] call = calls.get(calls.size() - 1);
    assertThat(call[0]).isEqualTo("Bearer " + LLM_KEY);
    JsonNode request = Json.MAPPER.readTree(call[1]);
    assertThat(request.path("model").asText()).isEqualTo("gpt-4o-mini");
    assertThat(request.toString()).contains("I forgot my password");
    assertThat(i.toString()).doesNotContain(LLM_KEY);
    assertThat(hub.get("/api/v1/tenants/aiflow/workflow", KEY).body()).doesNotContain(LLM_KEY);
  }

  @Test
  void aHangingLlmFallsBackToTheKnowledgeBaseAnswerAndThePipelineGoesOn() throws Exception {
    hang = true;
    try {
      long t0 = System.nanoTime();
      JsonNode i = sms("+15552230002", "How do I reset my password?");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      JsonNode llmSignal = i.path("signals").path("llm");
      assertThat(llmSignal.path("source").asText()).isEqualTo("kb");
      assertThat(llmSignal.path("fallbackReason").asText()).isEqualTo("timeout");
      String answer = i.path("signals").path("kb").path("answer").asText();
      assertThat(answer).isNotEmpty();
      assertThat(llmSignal.path("text").asText()).isEqualTo(answer);
      assertThat(replyText(i.path("id").asText())).isEqualTo(answer);
      // other tenants' traffic is not held up meanwhile
      String sid = HubIT.newSid();
      assertThat(hub.postTwilio("/webhooks/demo/twilio/sms", TwilioSigner.inboundSms(sid, "+15552230003", "+15550006000", "hello"),
          HubFixture.DEMO_TOKEN).statusCode()).isEqualTo(200);
      HubIT.awaitInteractionOn(hub, HubFixture.DEMO_KEY, "demo", sid);
      System.out.println("AiWorkflowIT: stored with the LLM hanging in " + ms + " ms (timeout 1500 ms)");
    } finally {
      hang = false;
    }
  }
}
