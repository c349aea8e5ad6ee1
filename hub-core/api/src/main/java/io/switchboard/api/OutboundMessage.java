package io.switchboard.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A message the hub sends to a contact through a connector (a workflow's {@code reply} action).
 *
 * @param channel the channel, e.g. {@code sms}
 * @param to the contact's address on the channel
 * @param from the tenant's address to send from; null lets the connector pick the tenant's default
 * @param text the text, never null
 * @param mediaUrls media to attach, possibly empty
 * @param idempotencyKey stable across the hub's retries of the same send, so a provider that
 *     supports it can drop duplicates
 * @param attributes connector-specific options (strings)
 */
public record OutboundMessage(String channel, String to, String from, String text, List<String> mediaUrls,
    String idempotencyKey, Map<String, String> attributes) {

  public OutboundMessage {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    text = text == null ? "" : text;
    mediaUrls = mediaUrls == null ? List.of() : List.copyOf(mediaUrls);
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /**
   * What the provider answered.
   *
   * @param providerMessageId the provider's id for the sent message (Twilio's SM…), for status callbacks
   * @param status the provider's status word, e.g. {@code queued}
   */
  public record Sent(String providerMessageId, String status) {}
}
