package io.switchboard.plugins.twilio;

import com.twilio.security.RequestValidator;
import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.FormData;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Twilio Programmable Messaging connector: verifies, parses and acknowledges inbound SMS webhooks. */
@Extension
public class TwilioSmsConnector implements ChannelConnector {

  private static final Logger LOG = LoggerFactory.getLogger(TwilioSmsConnector.class);

  static final String ID = "twilio";
  static final String SMS = "sms";
  static final String SIGNATURE_HEADER = "X-Twilio-Signature";
  static final String FORM = "application/x-www-form-urlencoded";
  static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";
  static final String AUTH_TOKEN = "authToken";

  private static final Pattern NON_NEGATIVE_INT = Pattern.compile("[0-9]{1,9}");

  /** Twilio fields kept as message attributes, under their Twilio names, when non-empty. */
  private static final List<String> ATTRIBUTES = List.of(
      "AccountSid", "MessagingServiceSid", "ApiVersion", "SmsStatus", "NumSegments", "OptOutType",
      "FromCountry", "FromState", "FromCity", "FromZip",
      "ToCountry", "ToState", "ToCity", "ToZip");

  /** Calling code to ISO country, enough for the simulator's FromCountry/ToCountry fields. */
  private static final Map<String, String> COUNTRIES = Map.ofEntries(
      Map.entry("1", "US"), Map.entry("44", "GB"), Map.entry("33", "FR"), Map.entry("49", "DE"),
      Map.entry("34", "ES"), Map.entry("39", "IT"), Map.entry("31", "NL"), Map.entry("32", "BE"),
      Map.entry("41", "CH"), Map.entry("46", "SE"), Map.entry("353", "IE"), Map.entry("61", "AU"),
      Map.entry("64", "NZ"), Map.entry("91", "IN"), Map.entry("55", "BR"), Map.entry("52", "MX"),
      Map.entry("81", "JP"));

  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<String> endpoints() {
    return Set.of(SMS);
  }

  /**
   * Checks X-Twilio-Signature with the SDK's {@link RequestValidator}: form bodies are signed over
   * the URL and the sorted form fields; other bodies only when the URL carries {@code bodySHA256}
   * (Twilio then signs the URL alone and the SDK also checks the body's SHA-256).
   *
   * <p>A tenant without an {@code authToken} secret fails closed with 403
   * {@code auth_token_not_configured}: the request cannot be verified, and the API only allows 4xx.
   */
  @Override
  public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    String token = authToken(settings);
    String signature = request.header(SIGNATURE_HEADER);
    if (signature == null || signature.isBlank()) {
      throw WebhookException.forbidden("missing_signature",
          "header " + SIGNATURE_HEADER + " is required: Twilio signs every webhook request with it");
    }
    RequestValidator validator = new RequestValidator(token);
    String url = request.url();
    String bodySha256 = queryParameter(url, "bodySHA256");
    boolean form = FORM.equals(request.mediaType());
    if (form || (bodySha256 == null && request.body().length == 0)) {
      if (!validator.validate(url, singleValued(request.form()), signature)) {
        throw invalidSignature(settings, url);
      }
    } else if (bodySha256 != null) {
      verifyWithBodyHash(validator, request, settings, bodySha256, signature);
    } else {
      throw WebhookException.badRequest("unsupported_media_type",
          "expected Content-Type " + FORM + " (or a body with a bodySHA256 URL parameter), got "
              + describe(request.mediaType()));
    }
  }

  private static void verifyWithBodyHash(RequestValidator validator, WebhookRequest request,
      ChannelSettings settings, String bodySha256, String signature) throws WebhookException {
    String url = request.url();
    String body = strictUtf8(request.body());
    boolean valid;
    try {
      valid = body != null && validator.validate(url, body, signature);
    } catch (URISyntaxException e) {
      valid = false;
    }
    if (!valid) {
      if (body == null || !validator.validateBody(body, bodySha256)) {
        LOG.debug("Twilio request for tenant {} refused: body does not match bodySHA256", settings.tenantId());
        throw WebhookException.forbidden("invalid_signature",
            "the request body does not match the bodySHA256 parameter of the URL");
      }
      throw invalidSignature(settings, url);
    }
  }

  @Override
  public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    if (!FORM.equals(request.mediaType())) {
      throw WebhookException.badRequest("unsupported_media_type",
          "Twilio SMS webhooks must be " + FORM + ", got " + describe(request.mediaType()));
    }
    Map<String, List<String>> form = request.form();
    // Twilio sends MessageSid plus the deprecated aliases SmsMessageSid and SmsSid (same value).
    String sid = firstNonBlank(form, "MessageSid", "SmsMessageSid", "SmsSid");
    if (sid == null) {
      throw WebhookException.badRequest("missing_field", "required field MessageSid is missing");
    }
    String from = firstNonBlank(form, "From");
    if (from == null) {
      throw WebhookException.badRequest("missing_field", "required field From is missing");
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    for (String name : ATTRIBUTES) {
      String v = FormData.first(form, name);
      if (v != null && !v.isEmpty()) {
        attributes.put(name, v);
      }
    }
    InboundMessage message = new InboundMessage(SMS, sid, from, firstNonBlank(form, "To"),
        FormData.first(form, "Body"), media(form), null, attributes);
    LOG.debug("Parsed Twilio SMS {} for tenant {} with {} media", sid, settings.tenantId(), message.media().size());
    return List.of(message);
  }

  @Override
  public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
    return WebhookResponse.twiml(EMPTY_TWIML);
  }

  /**
   * Builds the POST Twilio sends for an inbound SMS, signed with the tenant's auth token.
   *
   * @throws IllegalStateException when the tenant has no auth token, or no phone number and the
   *     message names no {@code to}
   */
  @Override
  public WebhookRequest simulate(SimulatedMessage message, ChannelSettings settings) {
    if (message.endpoint() != null && !SMS.equals(message.endpoint())) {
      throw new IllegalArgumentException(
          "connector '" + ID + "' has no endpoint '" + message.endpoint() + "'; it serves: " + SMS);
    }
    if (message.url() == null || message.from() == null) {
      throw new IllegalArgumentException("a simulated Twilio SMS needs a url and a from number");
    }
    String token = settings.requireSecret(AUTH_TOKEN);
    String to = message.to() != null && !message.to().isBlank() ? message.to()
        : settings.list("phoneNumbers").stream().findFirst().orElseThrow(() -> new IllegalStateException(
            "tenant '" + settings.tenantId() + "' has no channels.twilio.phoneNumbers; give the message a 'to' number"));
    String sid = "SM" + randomHex();
    String accountSid = settings.value("accountSid").filter(v -> !v.isBlank()).orElseGet(() -> "AC" + randomHex());

    // Field order as Twilio sends it; unknown locations are sent as empty fields.
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("ToCountry", country(to));
    fields.put("ToState", "");
    fields.put("SmsMessageSid", sid);
    fields.put("NumMedia", "0");
    fields.put("ToCity", "");
    fields.put("FromZip", "");
    fields.put("SmsSid", sid);
    fields.put("FromState", "");
    fields.put("SmsStatus", "received");
    fields.put("FromCity", "");
    fields.put("Body", message.text() == null ? "" : message.text());
    fields.put("FromCountry", country(message.from()));
    fields.put("To", to);
    fields.put("ToZip", "");
    fields.put("NumSegments", "1");
    fields.put("MessageSid", sid);
    fields.put("AccountSid", accountSid);
    fields.put("From", message.from());
    fields.put("ApiVersion", "2010-04-01");

    StringBuilder body = new StringBuilder();
    fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));

    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", FORM);
    headers.put("Accept", "*/*");
    headers.put("User-Agent", "TwilioProxy/1.1");
    headers.put("I-Twilio-Idempotency-Token", UUID.randomUUID().toString());
    headers.put(SIGNATURE_HEADER, TwilioSignature.sign(token, message.url(), fields));
    LOG.debug("Simulated Twilio SMS {} for tenant {} to {}", sid, settings.tenantId(), message.url());
    return new WebhookRequest("POST", message.url(), headers, body.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static String authToken(ChannelSettings settings) throws WebhookException {
    try {
      return settings.requireSecret(AUTH_TOKEN);
    } catch (IllegalStateException e) {
      LOG.warn("Refusing Twilio webhook for tenant {}: no channels.twilio.secrets.{} configured",
          settings.tenantId(), AUTH_TOKEN);
      throw WebhookException.forbidden("auth_token_not_configured",
          "tenant '" + settings.tenantId() + "' has no Twilio auth token configured (channels.twilio.secrets."
              + AUTH_TOKEN + "), so its webhooks cannot be verified");
    }
  }

  private static WebhookException invalidSignature(ChannelSettings settings, String url) {
    LOG.debug("Twilio request for tenant {} refused: signature does not match {}", settings.tenantId(), url);
    return WebhookException.forbidden("invalid_signature",
        SIGNATURE_HEADER + " does not match this request. Twilio signs the exact webhook URL configured in"
            + " the Twilio console: it must equal the URL derived from switchboard.public-url (" + url
            + "), scheme, host, port, path and query included, and the tenant's authToken must be the auth"
            + " token of the Twilio account sending the webhook");
  }

  /** The SDK takes one value per field; Twilio never repeats a field in messaging webhooks. */
  private static Map<String, String> singleValued(Map<String, List<String>> form) throws WebhookException {
    Map<String, String> params = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : form.entrySet()) {
      if (e.getValue().size() > 1) {
        throw WebhookException.forbidden("invalid_signature",
            "form field '" + abbreviate(e.getKey()) + "' is repeated; Twilio does not send repeated fields,"
                + " so this request cannot be verified");
      }
      params.put(e.getKey(), e.getValue().isEmpty() ? "" : e.getValue().get(0));
    }
    return params;
  }

  private static List<InboundMessage.Media> media(Map<String, List<String>> form) throws WebhookException {
    String raw = FormData.first(form, "NumMedia");
    if (raw == null || raw.isEmpty()) {
      return List.of();
    }
    if (!NON_NEGATIVE_INT.matcher(raw).matches()) {
      throw WebhookException.badRequest("invalid_field",
          "field NumMedia must be a non-negative integer, got '" + abbreviate(raw) + "'");
    }
    int count = Integer.parseInt(raw);
    List<InboundMessage.Media> media = new ArrayList<>(Math.min(count, 10));
    for (int i = 0; i < count; i++) {
      String url = firstNonBlank(form, "MediaUrl" + i);
      if (url == null) {
        throw WebhookException.badRequest("missing_field",
            "field MediaUrl" + i + " is missing although NumMedia is " + count);
      }
      String type = FormData.first(form, "MediaContentType" + i);
      media.add(new InboundMessage.Media(url, type == null || type.isEmpty() ? null : type));
    }
    return media;
  }

  private static String firstNonBlank(Map<String, List<String>> form, String... names) {
    for (String name : names) {
      String v = FormData.first(form, name);
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  /** A query parameter of a URL, decoded; null when absent or the URL has no query. */
  static String queryParameter(String url, String name) {
    int q = url.indexOf('?');
    if (q < 0) {
      return null;
    }
    int hash = url.indexOf('#', q);
    String query = url.substring(q + 1, hash < 0 ? url.length() : hash);
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      if (key.equals(name)) {
        try {
          return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          return pair.substring(eq + 1);
        }
      }
    }
    return null;
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String describe(String mediaType) {
    return mediaType.isEmpty() ? "no Content-Type" : "'" + abbreviate(mediaType) + "'";
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }

  static String country(String e164) {
    if (e164 == null || !e164.startsWith("+")) {
      return "";
    }
    for (int len = 3; len >= 1; len--) {
      if (e164.length() > len) {
        String c = COUNTRIES.get(e164.substring(1, 1 + len));
        if (c != null) {
          return c;
        }
      }
    }
    return "";
  }

  private static String randomHex() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
