package io.switchboard.api;

/**
 * A passage a {@link KnowledgeIndex} found for a query.
 *
 * @param documentId the document it comes from
 * @param title that document's title (or the passage's heading)
 * @param source that document's source
 * @param text the passage's text: what to show or quote, e.g. an FAQ row's answer
 * @param score how similar it is to the query; higher is closer (for embedding indexes, the cosine
 *     similarity in [-1, 1])
 */
public record Passage(String documentId, String title, String source, String text, double score) {}
