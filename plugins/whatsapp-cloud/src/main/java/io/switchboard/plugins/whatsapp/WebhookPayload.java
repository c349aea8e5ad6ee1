package io.switchboard.plugins.whatsapp;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * Reads the body Meta posts to a WhatsApp Business Account's webhook:
 *
 * <pre>
 * {"object": "whatsapp_business_account",
 *  "entry": [{"id": WABA_ID, "changes": [{"field": "messages", "value": {
 *      "messaging_product": "whatsapp",
 *      "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
 *      "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
 *      "messages": [{"from": "16505551234", "id": "wamid....", "timestamp": "1749416383", "type": "text",
 *                    "text": {"body": "Does it come in another color?"}}],
 *      "statuses": [{"id": "wamid....", "status": "delivered", ...}]}}]}]}
 * </pre>
 *
 * One {@link InboundMessage} per element of {@code messages}, and a {@link InboundMessage.Kind#STATUS}
 * receipt per element of {@code statuses} (sent, delivered, read, failed), which the hub applies to
 * the reply it sent. Changes of other fields (template status, account updates) are ignored.
 */
final class WebhookPayload {

  static final String OBJECT = "whatsapp_business_account";
  static final String CHANNEL = "whatsapp";
  /** Where a media attachment's id goes: Meta serves the bytes only to a GET with the access token. */
  static final String MEDIA_SCHEME = "whatsapp-media:";
  static final String PHONE_NUMBER_IDS = "phoneNumberIds";

  private static final Set<String> MEDIA_TYPES = Set.of("image", "document", "audio", "video", "sticker");

  private WebhookPayload() {}

  /**
   * The messages in a parsed body.
   *
   * @throws WebhookException 400 when the body is not Meta's webhook, 404 when it is addressed to
   *     a phone number the tenant has not configured
   * @throws IllegalStateException when the tenant has no {@code phoneNumberIds} at all
   */
  static List<InboundMessage> messages(JsonNode body, ChannelSettings settings, Logger log) throws WebhookException {
    if (!body.isObject()) {
      throw WebhookException.badRequest("malformed_json", "the body must be a JSON object");
    }
    if (!OBJECT.equals(body.path("object").asText(null))) {
      throw WebhookException.badRequest("unsupported_object", "field 'object' must be \"" + OBJECT + "\", got "
          + (body.has("object") ? body.get("object").toString() : "none"));
    }
    JsonNode entries = array(body, "entry", "entry");
    List<String> numbers = settings.list(PHONE_NUMBER_IDS);
    if (numbers.isEmpty()) {
      throw new IllegalStateException("tenant '" + settings.tenantId() + "' has no channels."
          + WhatsAppCloudConnector.ID + "." + PHONE_NUMBER_IDS + "; list the phone number ids Meta posts for");
    }
    List<InboundMessage> out = new ArrayList<>();
    for (int e = 0; e < entries.size(); e++) {
      JsonNode changes = array(entries.get(e), "changes", "entry[" + e + "].changes");
      for (int c = 0; c < changes.size(); c++) {
        JsonNode change = changes.get(c);
        String where = "entry[" + e + "].changes[" + c + "]";
        if (!"messages".equals(change.path("field").asText("messages"))) {
          log.debug("Ignored WhatsApp change of field {} for tenant {}", change.path("field").asText(), settings.tenantId());
          continue;
        }
        JsonNode value = change.path("value");
        if (!value.isObject()) {
          throw WebhookException.badRequest("missing_field", "field '" + where + ".value' is required and must be an object");
        }
        String phoneNumberId = text(value.path("metadata"), "phone_number_id", where + ".value.metadata.phone_number_id");
        if (!numbers.contains(phoneNumberId)) {
          throw new WebhookException(404, "channel_not_configured", "tenant '" + settings.tenantId()
              + "' has no WhatsApp phone number id '" + phoneNumberId + "' in channels." + WhatsAppCloudConnector.ID
              + "." + PHONE_NUMBER_IDS);
        }
        String to = e164(value.path("metadata").path("display_phone_number").asText(""));
        Map<String, String> names = profileNames(value.path("contacts"));
        JsonNode messages = value.path("messages");
        for (int m = 0; m < messages.size(); m++) {
          out.add(message(messages.get(m), where + ".value.messages[" + m + "]", to, phoneNumberId, names));
        }
        JsonNode statuses = value.path("statuses");
        for (int st = 0; st < statuses.size(); st++) {
          out.add(status(statuses.get(st), where + ".value.statuses[" + st + "]"));
        }
      }
    }
    return out;
  }

  /**
   * A delivery receipt for a message the hub sent: {@code {"id": "wamid...", "status": "delivered",
   * "timestamp": "1749416383", "recipient_id": "16505551234", "errors": [{"code": 131026, "title":
   * "..."}]}}. Its own id is the message id and the status, so Meta's retry of one receipt is
   * dropped while the next status of the same message is not.
   */
  private static InboundMessage status(JsonNode s, String where) throws WebhookException {
    String id = text(s, "id", where + ".id");
    String status = text(s, "status", where + ".status");
    String recipient = e164(text(s, "recipient_id", where + ".recipient_id"));
    String error = null;
    JsonNode first = s.path("errors").path(0);
    if (!first.isMissingNode()) {
      error = (first.path("code").asText("") + " " + first.path("title").asText(first.path("message").asText(""))).strip();
    }
    java.time.Instant at = null;
    String ts = s.path("timestamp").asText("");
    if (!ts.isEmpty()) {
      try {
        at = java.time.Instant.ofEpochSecond(Long.parseLong(ts));
      } catch (NumberFormatException e) {
        throw WebhookException.badRequest("malformed_field", "field '" + where + ".timestamp' must be Unix seconds, got '" + ts + "'");
      }
    }
    return InboundMessage.status(CHANNEL, id + ":" + status, id, recipient, status, error, at);
  }

  private static InboundMessage message(JsonNode m, String where, String to, String phoneNumberId,
      Map<String, String> names) throws WebhookException {
    String id = text(m, "id", where + ".id");
    String waId = text(m, "from", where + ".from");
    String type = m.path("type").asText("");
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("phoneNumberId", phoneNumberId);
    put(attributes, "profileName", names.get(waId));
    put(attributes, "type", type);
    put(attributes, "timestamp", m.path("timestamp").asText(null));
    put(attributes, "replyTo", m.path("context").path("id").asText(null));
    String text = "";
    List<InboundMessage.Media> media = List.of();
    if ("text".equals(type)) {
      text = m.path("text").path("body").asText("");
    } else if (MEDIA_TYPES.contains(type)) {
      JsonNode file = m.path(type);
      String mediaId = text(file, "id", where + "." + type + ".id");
      media = List.of(new InboundMessage.Media(MEDIA_SCHEME + mediaId, file.path("mime_type").asText(null)));
      text = file.path("caption").asText("");
      put(attributes, "mediaId", mediaId);
      put(attributes, "filename", file.path("filename").asText(null));
      put(attributes, "sha256", file.path("sha256").asText(null));
    } else if ("interactive".equals(type)) {
      JsonNode interactive = m.path("interactive");
      String kind = interactive.path("type").asText("");
      JsonNode reply = interactive.path(kind);
      text = reply.path("title").asText("");
      put(attributes, "interactiveType", kind);
      put(attributes, "replyId", reply.path("id").asText(null));
      put(attributes, "replyTitle", reply.path("title").asText(null));
      put(attributes, "replyDescription", reply.path("description").asText(null));
    } else if ("button".equals(type)) {
      text = m.path("button").path("text").asText("");
      put(attributes, "buttonPayload", m.path("button").path("payload").asText(null));
      put(attributes, "buttonText", m.path("button").path("text").asText(null));
    } else if ("location".equals(type)) {
      JsonNode location = m.path("location");
      put(attributes, "latitude", location.path("latitude").asText(null));
      put(attributes, "longitude", location.path("longitude").asText(null));
      put(attributes, "locationName", location.path("name").asText(null));
      put(attributes, "locationAddress", location.path("address").asText(null));
    } else if ("reaction".equals(type)) {
      text = m.path("reaction").path("emoji").asText("");
      put(attributes, "reactionTo", m.path("reaction").path("message_id").asText(null));
    }
    // Other types (contacts, order, system, unsupported) arrive with their type and no text.
    return new InboundMessage(CHANNEL, id, "+" + waId, to, text, media, null, attributes);
  }

  /** wa_id to profile name, for the senders in {@code contacts}. */
  private static Map<String, String> profileNames(JsonNode contacts) {
    Map<String, String> names = new HashMap<>();
    for (JsonNode contact : contacts) {
      String name = contact.path("profile").path("name").asText(null);
      if (contact.hasNonNull("wa_id") && name != null) {
        names.put(contact.get("wa_id").asText(), name);
      }
    }
    return names;
  }

  /** Meta's display number ("15550783881", "+1 555-078-3881") as E.164; null when there is none. */
  static String e164(String displayNumber) {
    String digits = displayNumber.replaceAll("[^0-9]", "");
    return digits.isEmpty() ? null : "+" + digits;
  }

  private static JsonNode array(JsonNode parent, String field, String where) throws WebhookException {
    JsonNode v = parent.get(field);
    if (v == null || !v.isArray()) {
      throw WebhookException.badRequest("missing_field", "field '" + where + "' is required and must be an array");
    }
    return v;
  }

  private static String text(JsonNode parent, String field, String where) throws WebhookException {
    JsonNode v = parent.get(field);
    if (v == null || !v.isTextual() || v.textValue().isBlank()) {
      throw WebhookException.badRequest("missing_field", "field '" + where + "' is required and must be a string");
    }
    return v.textValue();
  }

  private static void put(Map<String, String> attributes, String key, String value) {
    if (value != null && !value.isEmpty()) {
      attributes.put(key, value);
    }
  }
}
