package io.switchboard.plugins.aillm;

import io.switchboard.api.PluginContext;
import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * The {@code ai.llm} step: a reply suggestion ({@code mode: reply}) or a short summary
 * ({@code mode: summary}) from an OpenAI-compatible chat-completions API, as the signal {@code llm}:
 *
 * <pre>{@code
 * llm:
 *   mode: reply
 *   text: "Your parcel left our warehouse yesterday; it arrives within 3-5 days."
 *   source: llm            # llm, or on fallback kb | template | none
 *   model: gpt-4o-mini
 *   latencyMs: 812
 *   fallbackReason: ...    # on fallback only: timeout | circuit_open | "error: http 500" | "error: ConnectException"
 * }</pre>
 *
 * <p>The step only suggests: it sends nothing. A tenant composes it with the hub's {@code reply}
 * step ({@code text: "{{signals.llm.text}}"}). See {@link LlmStep} for timeouts, the circuit
 * breaker, batching and fallbacks.
 *
 * <p>A dry run calls the model too. The call is read-only, it has no effect outside the hub that a
 * dry run must avoid (nothing is sent to the customer, nothing changes at the provider), and a dry
 * run that skipped it would show the fallback instead of what the tenant's workflow really does. It
 * costs tokens, like any call.
 *
 * <p>The API key is used only to build the chat client: it is never logged, never part of an error
 * message or a signal, and {@link LlmConfig#toString()} leaves it out.
 */
@Extension
public class LlmStepFactory implements StepFactory<LlmConfig> {

  static final String NAME = "ai.llm";

  static final int MAX_TIMEOUT_MS = 60_000;
  static final int MAX_MAX_TOKENS = 32_768;
  static final long MAX_OPEN_MS = 3_600_000;
  static final int MAX_CONCURRENCY = 64;

  private static final Set<String> MODES = Set.of(LlmConfig.REPLY, LlmConfig.SUMMARY);
  private static final Set<String> FALLBACKS = Set.of(LlmConfig.FALLBACK_KB, LlmConfig.FALLBACK_TEMPLATE,
      LlmConfig.FALLBACK_NONE);

  private final PluginContext context;
  private final Logger log;
  private final Function<LlmConfig, ChatClient> clients;

  /** The hub passes the plugin's context to a public constructor that takes one. */
  public LlmStepFactory(PluginContext context) {
    this(context, c -> new OpenAiChatClient(c.baseUrl(), c.apiKey(), c.model(), Duration.ofMillis(c.timeoutMs()),
        c.maxTokens(), c.temperature()));
  }

  /** With another chat client than LangChain4j's, for tests. */
  LlmStepFactory(PluginContext context, Function<LlmConfig, ChatClient> clients) {
    this.context = context;
    this.log = context.logger(LlmStepFactory.class);
    this.clients = clients;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<LlmConfig> configType() {
    return LlmConfig.class;
  }

  @Override
  public Step create(LlmConfig config) {
    oneOf("mode", config.mode(), MODES);
    String baseUrl = baseUrl(config.baseUrl());
    if (config.model() == null || config.model().isBlank()) {
      throw new IllegalArgumentException("model: give the model name, e.g. gpt-4o-mini");
    }
    checkApiKey(config.apiKey());
    range("timeoutMs", config.timeoutMs(), 1, MAX_TIMEOUT_MS);
    range("maxTokens", config.maxTokens(), 1, MAX_MAX_TOKENS);
    double t = config.temperature();
    if (!(t >= 0 && t <= 2)) {
      throw new IllegalArgumentException("temperature: must be between 0 and 2, got " + t);
    }
    range("concurrency", config.concurrency(), 1, MAX_CONCURRENCY);
    LlmConfig.CircuitBreaker cb = config.circuitBreaker();
    double rate = cb.failureRateThreshold();
    if (!(rate > 0 && rate <= 100)) {
      throw new IllegalArgumentException("circuitBreaker.failureRateThreshold: must be a percentage in (0, 100], got " + rate);
    }
    range("circuitBreaker.minimumCalls", cb.minimumCalls(), 1, 1000);
    range("circuitBreaker.openMs", cb.openMs(), 1, MAX_OPEN_MS);
    oneOf("fallback", config.fallback(), FALLBACKS);
    boolean hasFallbackText = config.fallbackText() != null && !config.fallbackText().isBlank();
    if (config.fallback().equals(LlmConfig.FALLBACK_TEMPLATE) && !hasFallbackText) {
      throw new IllegalArgumentException("fallbackText: required with fallback: template");
    }
    if (config.prompt().isBlank()) {
      throw new IllegalArgumentException("prompt: must not be blank");
    }
    PromptTemplate system = PromptTemplate.parse("system", config.system());
    PromptTemplate prompt = PromptTemplate.parse("prompt", config.prompt());
    PromptTemplate fallbackText = hasFallbackText ? PromptTemplate.parse("fallbackText", config.fallbackText()) : null;

    LlmConfig normalised = new LlmConfig(config.mode(), baseUrl, config.model().strip(), config.apiKey(),
        config.system(), config.prompt(), config.timeoutMs(), config.maxTokens(), config.temperature(), config.concurrency(),
        cb, config.fallback(), config.fallbackText());
    LlmStep step = new LlmStep(normalised, system, prompt, fallbackText, clients.apply(normalised),
        context.metrics(), log);
    log.info("ai.llm step: mode {}, model {} at {}, timeout {} ms, fallback {}", config.mode(), normalised.model(),
        baseUrl, config.timeoutMs(), config.fallback());
    return step;
  }

  /** The base URL without a trailing slash; http or https, a host, no user info, query or fragment. */
  static String baseUrl(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("baseUrl: give the API's base URL, e.g. https://api.openai.com/v1");
    }
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      // not echoed: a malformed URL may still carry credentials
      throw new IllegalArgumentException("baseUrl: not a URL (e.g. https://api.openai.com/v1)");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("baseUrl: must not carry credentials; give the key in apiKey");
    }
    if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())
        || uri.getHost() == null) {
      throw new IllegalArgumentException("baseUrl: must be an http or https URL with a host, got '" + value + "'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("baseUrl: must not have a query or fragment, got '" + value + "'");
    }
    String s = uri.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** Checks the key's shape; messages never contain it. */
  private static void checkApiKey(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("apiKey: required; give it as a secret reference, e.g. apiKey: ${secret:openai}"
          + " (for a server without keys, any non-empty value)");
    }
    if (key.startsWith("${")) {
      throw new IllegalArgumentException("apiKey: is an unresolved reference; name a secret the tenant file defines");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException("apiKey: must not contain whitespace or control characters");
      }
    }
  }

  private static void oneOf(String field, String value, Set<String> allowed) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(field + ": must be one of " + allowed.stream().sorted().toList()
          + ", got '" + value + "'");
    }
  }

  private static void range(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + ": must be between " + min + " and " + max + ", got " + value);
    }
  }
}
