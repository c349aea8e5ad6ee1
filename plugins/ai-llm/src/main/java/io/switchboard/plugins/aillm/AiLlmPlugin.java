package io.switchboard.plugins.aillm;

import org.pf4j.Plugin;

/**
 * The PF4J plugin class of {@code ai-llm}. It owns nothing: each configured {@code ai.llm} step
 * holds its own chat client, circuit breaker and worker threads, which time out when idle, so a
 * replaced workflow's step leaves no thread behind.
 */
public class AiLlmPlugin extends Plugin {

  public AiLlmPlugin() {
    super();
  }
}
