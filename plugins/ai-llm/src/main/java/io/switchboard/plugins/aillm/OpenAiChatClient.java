package io.switchboard.plugins.aillm;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ChatClient} for OpenAI's chat-completions API and the servers that speak it (vLLM,
 * Ollama, LiteLLM, Azure's OpenAI-compatible endpoint, ...), through LangChain4j's
 * {@link OpenAiChatModel}: {@code POST <baseUrl>/chat/completions} with
 * {@code Authorization: Bearer <apiKey>}.
 *
 * <p>LangChain4j's own safeguards are set to fit a pipeline step: the connect and read timeouts are
 * the step's {@code timeoutMs}, there are no retries (the hub retries steps, and a retried slow call
 * would double the wait), and request and response logging is off (the request carries the key's
 * header and the customer's text). The HTTP client is named here rather than found through
 * {@code ServiceLoader}, so that it does not depend on the calling thread's context class loader.
 */
final class OpenAiChatClient implements ChatClient {

  private final ChatModel model;

  OpenAiChatClient(String baseUrl, String apiKey, String modelName, Duration timeout, int maxTokens, double temperature) {
    this.model = OpenAiChatModel.builder()
        .httpClientBuilder(new JdkHttpClientBuilder().connectTimeout(timeout).readTimeout(timeout))
        .baseUrl(baseUrl)
        .apiKey(apiKey)
        .modelName(modelName)
        .maxTokens(maxTokens)
        .temperature(temperature)
        .timeout(timeout)
        .maxRetries(0)
        .logRequests(false)
        .logResponses(false)
        .build();
  }

  @Override
  public String chat(String system, String user) {
    List<ChatMessage> messages = new ArrayList<>(2);
    if (!system.isBlank()) {
      messages.add(SystemMessage.from(system));
    }
    messages.add(UserMessage.from(user));
    return model.chat(ChatRequest.builder().messages(messages).build()).aiMessage().text();
  }

  /** Never the key: the model's builder and the client are not described. */
  @Override
  public String toString() {
    return "OpenAiChatClient";
  }
}
