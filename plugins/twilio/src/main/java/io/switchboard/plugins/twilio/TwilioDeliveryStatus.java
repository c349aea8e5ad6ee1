package io.switchboard.plugins.twilio;

import static io.switchboard.plugins.twilio.TwilioSmsConnector.firstNonBlank;

import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code status} endpoint: Twilio's message status callback for an SMS, MMS or WhatsApp
 * message the hub sent ({@code MessageSid}, {@code MessageStatus} queued, sent, delivered,
 * undelivered, failed, read, ...; {@code ErrorCode} when it failed) becomes a
 * {@link InboundMessage.Kind#STATUS} receipt, id {@code <MessageSid>:<MessageStatus>}, for the
 * recipient {@code To}. Twilio calls it when a send names it as {@code StatusCallback}
 * ({@code channels.twilio.statusCallbackUrl}) or when a Messaging Service sets it.
 */
final class TwilioDeliveryStatus {

  static final String ENDPOINT = "status";

  private static final Pattern STATUS_WORD = Pattern.compile("[a-z_-]{1,32}");

  private TwilioDeliveryStatus() {}

  static List<InboundMessage> parse(WebhookRequest request) throws WebhookException {
    TwilioSmsConnector.requireForm(request, "message status");
    Map<String, List<String>> form = request.form();
    // MessageSid, and the deprecated alias SmsSid with the same value
    String sid = firstNonBlank(form, "MessageSid", "SmsSid");
    if (sid == null) {
      throw WebhookException.badRequest("missing_field", "required field MessageSid is missing");
    }
    String status = firstNonBlank(form, "MessageStatus", "SmsStatus");
    if (status == null) {
      throw WebhookException.badRequest("missing_field", "required field MessageStatus is missing");
    }
    if (!STATUS_WORD.matcher(status).matches()) {
      throw WebhookException.badRequest("invalid_field",
          "field MessageStatus must be a Twilio status word such as delivered, got '"
              + TwilioSmsConnector.abbreviate(status) + "'");
    }
    String to = firstNonBlank(form, "To");
    if (to == null) {
      throw WebhookException.badRequest("missing_field", "required field To is missing");
    }
    String from = firstNonBlank(form, "From");
    boolean whatsApp = TwilioSmsConnector.isWhatsApp(to) || (from != null && TwilioSmsConnector.isWhatsApp(from));
    String errorCode = firstNonBlank(form, "ErrorCode");
    String error = errorCode == null ? null : "Twilio error " + errorCode
        + " (https://www.twilio.com/docs/api/errors/" + errorCode.replaceAll("[^0-9]", "") + ")";
    return List.of(InboundMessage.status(whatsApp ? TwilioSmsConnector.WHATSAPP : TwilioSmsConnector.SMS,
        sid + ":" + status, sid, TwilioSmsConnector.plainNumber(to), status, error, null));
  }
}
