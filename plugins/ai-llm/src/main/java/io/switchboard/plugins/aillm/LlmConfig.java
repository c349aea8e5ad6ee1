package io.switchboard.plugins.aillm;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Configuration of {@code ai.llm}, bound strictly from the tenant file. Defaults are filled in
 * here, validation is in {@link LlmStepFactory#create}, which reports it against the tenant file.
 *
 * <p>{@link #toString()} leaves the API key out, so that the configuration can be logged or shown
 * in an error.
 */
public record LlmConfig(
    @JsonPropertyDescription("reply (default): a suggested reply to the customer; summary: a short summary for an agent")
    String mode,
    @JsonPropertyDescription("The OpenAI-compatible API's base URL, e.g. https://api.openai.com/v1 (the step posts to <baseUrl>/chat/completions)")
    String baseUrl,
    @JsonPropertyDescription("The model name, e.g. gpt-4o-mini")
    String model,
    @JsonPropertyDescription("The API key, sent as Authorization: Bearer; give it as a reference (${secret:openai}), never inline")
    String apiKey,
    @JsonPropertyDescription("System message template; placeholders {{text}}, {{contact.displayName}}, {{channel}}, {{kb}}, {{intent}}, {{sentiment}}; a default per mode")
    String system,
    @JsonPropertyDescription("User message template, same placeholders as system; a default per mode")
    String prompt,
    @JsonPropertyDescription("Hard limit on one call in milliseconds, including a server that accepts and never answers; default 3000")
    Integer timeoutMs,
    @JsonPropertyDescription("The most tokens the model may answer with (max_tokens); default 200")
    Integer maxTokens,
    @JsonPropertyDescription("Sampling temperature, 0 to 2; default 0.2")
    Double temperature,
    @JsonPropertyDescription("How many calls of a batch run at once; a batch has timeoutMs in all, so raise it for large batches against a slow model; default 8")
    Integer concurrency,
    @JsonPropertyDescription("When to stop calling a failing model for a while; one breaker per tenant workflow")
    CircuitBreaker circuitBreaker,
    @JsonPropertyDescription("What to answer when the model does not: kb (the knowledge base's confident answer, else fallbackText; the default in reply mode), template (fallbackText), none (no text; the default in summary mode)")
    String fallback,
    @JsonPropertyDescription("Fallback text template, same placeholders as prompt; required with fallback: template")
    String fallbackText) {

  public static final String REPLY = "reply";
  public static final String SUMMARY = "summary";
  public static final String FALLBACK_KB = "kb";
  public static final String FALLBACK_TEMPLATE = "template";
  public static final String FALLBACK_NONE = "none";

  public static final int DEFAULT_TIMEOUT_MS = 3000;
  public static final int DEFAULT_MAX_TOKENS = 200;
  public static final double DEFAULT_TEMPERATURE = 0.2;
  public static final int DEFAULT_CONCURRENCY = 8;

  static final String REPLY_SYSTEM = "You are a customer-support agent answering on {{channel}}. Write one short,"
      + " friendly reply to the customer, in their language, in at most three sentences. Use the knowledge-base"
      + " passages when they answer the question; never invent prices, dates or policies. If you cannot help,"
      + " say that a colleague will follow up.";
  static final String REPLY_PROMPT = "Customer: {{contact.displayName}}\nMessage: {{text}}\n\n"
      + "Knowledge base:\n{{kb}}";
  static final String SUMMARY_SYSTEM = "You summarise customer conversations for support agents. Answer with one or"
      + " two plain sentences: what the customer wants and anything the agent must know. No greeting.";
  static final String SUMMARY_PROMPT = "Channel: {{channel}}\nCustomer: {{contact.displayName}}\n"
      + "Detected intent: {{intent}}\nSentiment: {{sentiment}}\nMessage: {{text}}\n\nKnowledge base:\n{{kb}}";

  public LlmConfig {
    mode = mode == null ? REPLY : mode;
    boolean summary = SUMMARY.equals(mode);
    system = system == null ? (summary ? SUMMARY_SYSTEM : REPLY_SYSTEM) : system;
    prompt = prompt == null ? (summary ? SUMMARY_PROMPT : REPLY_PROMPT) : prompt;
    timeoutMs = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
    maxTokens = maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens;
    temperature = temperature == null ? DEFAULT_TEMPERATURE : temperature;
    concurrency = concurrency == null ? DEFAULT_CONCURRENCY : concurrency;
    circuitBreaker = circuitBreaker == null ? new CircuitBreaker(null, null, null) : circuitBreaker;
    fallback = fallback == null ? (summary ? FALLBACK_NONE : FALLBACK_KB) : fallback;
  }

  /** The circuit breaker's settings. */
  public record CircuitBreaker(
      @JsonPropertyDescription("Percentage of failed calls (errors and timeouts) that opens the breaker; default 50")
      Double failureRateThreshold,
      @JsonPropertyDescription("Calls to see before the failure rate counts; default 5")
      Integer minimumCalls,
      @JsonPropertyDescription("How long an open breaker falls back without calling, in milliseconds, before it lets one trial call through; default 30000")
      Long openMs) {

    public static final double DEFAULT_FAILURE_RATE_THRESHOLD = 50;
    public static final int DEFAULT_MINIMUM_CALLS = 5;
    public static final long DEFAULT_OPEN_MS = 30_000;

    public CircuitBreaker {
      failureRateThreshold = failureRateThreshold == null ? DEFAULT_FAILURE_RATE_THRESHOLD : failureRateThreshold;
      minimumCalls = minimumCalls == null ? DEFAULT_MINIMUM_CALLS : minimumCalls;
      openMs = openMs == null ? DEFAULT_OPEN_MS : openMs;
    }
  }

  /** Every field but the API key, which shows only whether it is set. */
  @Override
  public String toString() {
    return "LlmConfig[mode=" + mode + ", baseUrl=" + baseUrl + ", model=" + model
        + ", apiKey=" + (apiKey == null || apiKey.isEmpty() ? "(none)" : "(set)")
        + ", timeoutMs=" + timeoutMs + ", maxTokens=" + maxTokens + ", temperature=" + temperature
        + ", concurrency=" + concurrency + ", circuitBreaker=" + circuitBreaker + ", fallback=" + fallback + ", system=" + system
        + ", prompt=" + prompt + ", fallbackText=" + fallbackText + "]";
  }
}
