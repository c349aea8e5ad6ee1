package io.switchboard.runtime.pipeline;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.switchboard.api.InboundMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the webhook appends to {@code switchboard.inbound}: a verified, parsed message and where it
 * came from. Its JSON form is the contract between the webhook and the pipeline; {@code v} is
 * raised when a field changes meaning.
 */
public record InboundRecord(
    @JsonProperty("v") int version,
    @JsonProperty("tenant") String tenant,
    @JsonProperty("connector") String connector,
    @JsonProperty("channel") String channel,
    @JsonProperty("providerMessageId") String providerMessageId,
    @JsonProperty("from") String from,
    @JsonProperty("to") String to,
    @JsonProperty("text") String text,
    @JsonProperty("media") List<InboundMessage.Media> media,
    @JsonProperty("attributes") Map<String, String> attributes,
    @JsonProperty("receivedAt") Instant receivedAt,
    @JsonProperty("correlationId") String correlationId,
    @JsonProperty("kind") InboundMessage.Kind kind) {

  public static final int VERSION = 1;

  public InboundRecord {
    // records queued before kinds existed are messages
    kind = kind == null ? InboundMessage.Kind.MESSAGE : kind;
  }

  public static InboundRecord of(String tenant, String connector, InboundMessage m, String correlationId) {
    return new InboundRecord(VERSION, tenant, connector, m.channel(), m.providerMessageId(), m.from(), m.to(),
        m.text(), m.media(), m.attributes(),
        // PostgreSQL keeps microseconds: round here so the stored row and the event agree.
        m.receivedAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS), correlationId, m.kind());
  }

  /**
   * The Kafka key: one conversation's messages share it, so they stay in order on one partition.
   * The conversation id is not known yet at the webhook; tenant, channel and sender name it.
   */
  public String conversationKey() {
    return tenant + "/" + channel + "/" + from;
  }
}
