package io.switchboard.api;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The canonical interaction a workflow runs over: one message or event, tied to a contact and a
 * conversation. Immutable; what steps learn about it goes into signals, not into this record.
 *
 * @param id the interaction's id
 * @param tenantId its tenant
 * @param channel {@code sms}, {@code whatsapp}, {@code email}, ...
 * @param direction {@code inbound} or {@code outbound}
 * @param contactId the contact it belongs to
 * @param conversationId the conversation it belongs to
 * @param from the sender's address on the channel
 * @param to the recipient's address, may be null
 * @param text the text, never null (empty for media-only messages)
 * @param receivedAt when the hub received it
 * @param attributes provider fields kept with it (strings)
 */
public record Interaction(
    UUID id,
    String tenantId,
    String channel,
    String direction,
    UUID contactId,
    UUID conversationId,
    String from,
    String to,
    String text,
    Instant receivedAt,
    Map<String, String> attributes) {

  public Interaction {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenantId, "tenantId");
    Objects.requireNonNull(channel, "channel");
    text = text == null ? "" : text;
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }
}
