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
 * @param kind what the hub does with it: a {@link Kind#MESSAGE} becomes an interaction that runs
 *     through the tenant's workflow; a {@link Kind#STATUS} updates the delivery status of a message
 *     the hub sent; a {@link Kind#CONTACT_UPDATE} changes the contact's attributes (billing, CRM)
 */
public record InboundMessage(
    String channel,
    String providerMessageId,
    String from,
    String to,
    String text,
    List<Media> media,
    Instant receivedAt,
    Map<String, String> attributes,
    Kind kind) {

  /** Attribute of a {@link Kind#STATUS}: the provider's id of the outbound message it is about. */
  public static final String STATUS_MESSAGE_ID = "messageId";
  /** Attribute of a {@link Kind#STATUS}: the provider's status word ({@code delivered}, {@code read}, ...). */
  public static final String STATUS = "status";
  /** Attribute of a {@link Kind#STATUS}: why the provider failed the message, when it did. */
  public static final String STATUS_ERROR = "error";

  /** What an inbound record asks of the hub. */
  public enum Kind {
    /**
     * Something a contact said: stored as an interaction and run through the workflow.
     */
    MESSAGE,
    /**
     * A provider's receipt for a message the hub sent ({@code sent}, {@code delivered},
     * {@code read}, {@code failed}): {@code attributes} carry {@link #STATUS_MESSAGE_ID},
     * {@link #STATUS} and optionally {@link #STATUS_ERROR}; {@code from} is the recipient.
     * The provider message id must identify the receipt itself (message id plus status), so that
     * a retried receipt is dropped but the next status is not.
     */
    STATUS,
    /**
     * Facts about a contact from a system of record (Stripe, a CRM): {@code from} is the
     * contact's address (an e-mail address or a phone number; the contact is created when new),
     * or {@code @<path>=<value>} when the source knows the contact only by an id an earlier
     * update stored ({@code @billing.customerId=cus_123}: the contact whose attributes hold that
     * value at that path; an update for no such contact is dead-lettered for replay, never
     * creates one). Every attribute is merged into the contact's attributes at its dot-separated
     * path ({@code billing.plan} → {@code {"billing": {"plan": ...}}}); an empty value removes
     * the field. No workflow runs; the hub records a {@code contact.updated} event.
     */
    CONTACT_UPDATE
  }

  public InboundMessage {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(providerMessageId, "providerMessageId");
    Objects.requireNonNull(from, "from");
    text = text == null ? "" : text;
    media = media == null ? List.of() : List.copyOf(media);
    receivedAt = receivedAt == null ? Instant.now() : receivedAt;
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    kind = kind == null ? Kind.MESSAGE : kind;
  }

  /** A {@link Kind#MESSAGE}: something a contact said. */
  public InboundMessage(String channel, String providerMessageId, String from, String to, String text,
      List<Media> media, Instant receivedAt, Map<String, String> attributes) {
    this(channel, providerMessageId, from, to, text, media, receivedAt, attributes, Kind.MESSAGE);
  }

  /**
   * A provider's delivery receipt for a message the hub sent.
   *
   * @param receiptId the receipt's own id, stable across the provider's retries (message id and status)
   * @param messageId the provider's id of the message sent, as {@link ChannelConnector#send} returned it
   * @param recipient who the message was sent to
   * @param status the provider's status word
   * @param error why it failed, null unless it did
   */
  public static InboundMessage status(String channel, String receiptId, String messageId, String recipient,
      String status, String error, Instant at) {
    Map<String, String> a = new java.util.LinkedHashMap<>();
    a.put(STATUS_MESSAGE_ID, Objects.requireNonNull(messageId, "messageId"));
    a.put(STATUS, Objects.requireNonNull(status, "status"));
    if (error != null && !error.isBlank()) {
      a.put(STATUS_ERROR, error);
    }
    return new InboundMessage(channel, receiptId, recipient, null, "", List.of(), at, a, Kind.STATUS);
  }

  /**
   * Facts about a contact from a system of record.
   *
   * @param eventId the source's id for the change, stable across its retries ({@code evt_...})
   * @param address the contact's e-mail address or phone number, or {@code @<path>=<value>}
   * @param fields dot-separated attribute paths to their new values; an empty value removes the field
   */
  public static InboundMessage contactUpdate(String channel, String eventId, String address,
      Map<String, String> fields, Instant at) {
    return new InboundMessage(channel, eventId, address, null, "", List.of(), at, fields, Kind.CONTACT_UPDATE);
  }

  /**
   * A media attachment.
   *
   * @param url where the provider serves it
   * @param contentType its MIME type, null when the provider did not say
   */
  public record Media(String url, String contentType) {}
}
