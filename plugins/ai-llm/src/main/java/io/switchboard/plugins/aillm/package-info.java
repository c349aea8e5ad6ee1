/**
 * The {@code ai-llm} plugin: the {@code ai.llm} workflow step
 * ({@link io.switchboard.plugins.aillm.LlmStepFactory}), which asks an OpenAI-compatible
 * chat-completions API for a reply suggestion or a summary, through LangChain4j, and falls back to
 * the knowledge base's answer or a template when the model is slow, failing or switched off by its
 * circuit breaker. See docs/ai.md.
 */
package io.switchboard.plugins.aillm;
