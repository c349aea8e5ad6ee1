package io.switchboard.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One message a contact sent on a channel, as the connector parsed it, before the hub ties it to a
 * contact and a conversation.
 *
 * @param channel the channel, e.g. {@code sms}, {@code whatsapp}
 * @param providerMessageId the provider's id for the message (Twilio MessageSid, ...); the hub
 *     deduplicates on it, so it must be stable across the provider's retries
 * @param from the sender's address on the channel (an E.164 number for SMS)
 * @param to the address the message was sent to (the tenant's number)
 * @param text the text, possibly empty (a media-only message), never null
 * @param media attached media, possibly empty
 * @param receivedAt when the hub received it
 * @param attributes other provider fields worth keeping (country, profile name); strings only
 */
public record InboundMessage(
    String channel,
    String providerMessageId,
    String from,
    String to,
    String text,
    List<Media> media,
    Instant receivedAt,
    Map<String, String> attributes) {

  public InboundMessage {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(providerMessageId, "providerMessageId");
    Objects.requireNonNull(from, "from");
    text = text == null ? "" : text;
    media = media == null ? List.of() : List.copyOf(media);
    receivedAt = receivedAt == null ? Instant.now() : receivedAt;
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /**
   * A media attachment.
   *
   * @param url where the provider serves it
   * @param contentType its MIME type, null when the provider did not say
   */
  public record Media(String url, String contentType) {}
}
