package io.switchboard.api;

import java.util.Objects;

/**
 * One document of a tenant's knowledge base, as the hub stores it.
 *
 * @param id the document's id within its tenant, e.g. {@code password-reset}
 * @param title a human title, shown with the passages found in it; may be empty
 * @param source where it came from (a file name, a URL), for citing; may be empty
 * @param text the content: Markdown or plain text
 */
public record KnowledgeDocument(String id, String title, String source, String text) {

  public KnowledgeDocument {
    Objects.requireNonNull(id, "id");
    title = title == null ? "" : title;
    source = source == null ? "" : source;
    text = text == null ? "" : text;
  }
}
