package io.switchboard.testkit;

import io.switchboard.api.Interaction;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds the {@link Interaction} a step runs over. Defaults: tenant {@code test}, an inbound SMS
 * from {@code +15550100001} to {@code +15550100002} with empty text, received now, fresh ids.
 */
public final class InteractionBuilder {

  private UUID id = UUID.randomUUID();
  private String tenantId = "test";
  private String channel = "sms";
  private String direction = "inbound";
  private UUID contactId = UUID.randomUUID();
  private UUID conversationId = UUID.randomUUID();
  private String from = "+15550100001";
  private String to = "+15550100002";
  private String text = "";
  private Instant receivedAt;
  private final Map<String, String> attributes = new LinkedHashMap<>();

  public InteractionBuilder id(UUID id) {
    this.id = Objects.requireNonNull(id, "id");
    return this;
  }

  public InteractionBuilder tenant(String tenantId) {
    this.tenantId = Objects.requireNonNull(tenantId, "tenantId");
    return this;
  }

  /** {@code sms}, {@code whatsapp}, {@code email}, ... */
  public InteractionBuilder channel(String channel) {
    this.channel = Objects.requireNonNull(channel, "channel");
    return this;
  }

  /** {@code inbound} or {@code outbound}. */
  public InteractionBuilder direction(String direction) {
    this.direction = direction;
    return this;
  }

  public InteractionBuilder contact(UUID contactId) {
    this.contactId = contactId;
    return this;
  }

  public InteractionBuilder conversation(UUID conversationId) {
    this.conversationId = conversationId;
    return this;
  }

  public InteractionBuilder from(String from) {
    this.from = from;
    return this;
  }

  public InteractionBuilder to(String to) {
    this.to = to;
    return this;
  }

  public InteractionBuilder text(String text) {
    this.text = text;
    return this;
  }

  public InteractionBuilder receivedAt(Instant receivedAt) {
    this.receivedAt = receivedAt;
    return this;
  }

  /** A provider field kept with the interaction. */
  public InteractionBuilder attribute(String name, String value) {
    attributes.put(name, value);
    return this;
  }

  public Interaction build() {
    return new Interaction(id, tenantId, channel, direction, contactId, conversationId, from, to, text,
        receivedAt == null ? Instant.now() : receivedAt, attributes);
  }
}
