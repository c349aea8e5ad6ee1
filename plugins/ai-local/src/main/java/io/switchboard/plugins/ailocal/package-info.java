/**
 * The {@code ai-local} plugin: workflow steps that run AI models inside the hub's process, with no
 * network: {@code ai.sentiment} ({@link io.switchboard.plugins.ailocal.SentimentStepFactory}, VADER),
 * {@code ai.intent} ({@link io.switchboard.plugins.ailocal.IntentStepFactory}, BGE-small sentence
 * embeddings and nearest examples), {@code ai.language}
 * ({@link io.switchboard.plugins.ailocal.LanguageStepFactory}, Lingua) and {@code ai.kb}
 * ({@link io.switchboard.plugins.ailocal.KbStepFactory}, knowledge-base passages), and the hub's
 * knowledge index ({@link io.switchboard.plugins.ailocal.KnowledgeBase}). See docs/ai.md.
 */
package io.switchboard.plugins.ailocal;
