package io.switchboard.plugins.twilio;

import com.twilio.security.RequestValidator;
import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.FormData;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.OutboundMessage;
import io.switchboard.api.PluginContext;
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

/**
 * Twilio connector, id {@code twilio}: inbound SMS/MMS ({@code sms}) and WhatsApp ({@code whatsapp})
 * webhooks, verified, parsed and acknowledged with empty TwiML; message status callbacks
 * ({@code status}, see {@link TwilioDeliveryStatus}); a voice IVR answered from the tenant's menu
 * ({@code voice} and its callbacks, see {@link TwilioVoice}); replies on SMS and WhatsApp through
 * Twilio's Messages API ({@link #send}, see {@link TwilioMessagesApi}). Named after its first
 * channel; every endpoint shares one signature check.
 */
@Extension
public class TwilioSmsConnector implements ChannelConnector {

  private static final Logger LOG = LoggerFactory.getLogger(TwilioSmsConnector.class);

  static final String ID = "twilio";
  static final String SMS = "sms";
  static final String WHATSAPP = "whatsapp";
  /** How Twilio writes WhatsApp addresses: {@code whatsapp:+14155550123}. */
  static final String WHATSAPP_PREFIX = "whatsapp:";
  static final String SIGNATURE_HEADER = "X-Twilio-Signature";
  static final String FORM = "application/x-www-form-urlencoded";
  static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";
  static final String AUTH_TOKEN = "authToken";

  private static final Pattern NON_NEGATIVE_INT = Pattern.compile("[0-9]{1,9}");

  /** Twilio fields kept as message attributes, under their Twilio names, when non-empty. */
  private static final List<String> ATTRIBUTES = List.of(
      "AccountSid", "MessagingServiceSid", "ApiVersion", "SmsStatus", "NumSegments", "OptOutType",
      "FromCountry", "FromState", "FromCity", "FromZip",
      "ToCountry", "ToState", "ToCity", "ToZip",
      // WhatsApp: message kind, forwarding, shared locations, the message replied to, click-to-WhatsApp ads
      "MessageType", "Forwarded", "FrequentlyForwarded", "Latitude", "Longitude", "Address", "Label",
      "OriginalRepliedMessageSid", "ReferralSourceType", "ReferralSourceId", "ReferralSourceUrl",
      "ReferralHeadline", "ReferralBody", "ReferralCtwaClid");

  /** WhatsApp fields kept under the hub's attribute names (the contact's profile, button replies). */
  private static final Map<String, String> RENAMED_ATTRIBUTES = Map.of(
      "ProfileName", "profileName", "WaId", "waId", "ButtonText", "buttonText", "ButtonPayload", "buttonPayload");

  /** Calling code to ISO country, enough for the simulator's FromCountry/ToCountry fields. */
  private static final Map<String, String> COUNTRIES = Map.ofEntries(
      Map.entry("1", "US"), Map.entry("44", "GB"), Map.entry("33", "FR"), Map.entry("49", "DE"),
      Map.entry("34", "ES"), Map.entry("39", "IT"), Map.entry("31", "NL"), Map.entry("32", "BE"),
      Map.entry("41", "CH"), Map.entry("46", "SE"), Map.entry("353", "IE"), Map.entry("61", "AU"),
      Map.entry("64", "NZ"), Map.entry("91", "IN"), Map.entry("55", "BR"), Map.entry("52", "MX"),
      Map.entry("81", "JP"));

  private static final SecureRandom RANDOM = new SecureRandom();

  private final TwilioMessagesApi messagesApi;

  /** With the defaults: replies go to {@value TwilioMessagesApi#DEFAULT_BASE_URL}. */
  public TwilioSmsConnector() {
    this.messagesApi = TwilioMessagesApi.withDefaults();
  }

  /**
   * As the hub creates it: replies use the plugin's settings {@code api-base-url} and
   * {@code request-timeout-ms} (hub keys {@code switchboard.plugins.twilio.*}) and the hub's HTTP client.
   */
  public TwilioSmsConnector(PluginContext context) {
    this.messagesApi = TwilioMessagesApi.from(context);
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<String> endpoints() {
    Set<String> endpoints = new java.util.HashSet<>(TwilioVoice.ENDPOINTS);
    endpoints.add(SMS);
    endpoints.add(WHATSAPP);
    endpoints.add(TwilioDeliveryStatus.ENDPOINT);
    return Set.copyOf(endpoints);
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

  /**
   * Parses an inbound SMS/MMS or WhatsApp message. The channel is {@code whatsapp} when Twilio writes
   * the sender as {@code whatsapp:+E164}; {@code from} and {@code to} are then the plain E.164 numbers.
   * A message posted to the other channel's endpoint is refused (400 {@code wrong_endpoint}): the
   * number's or sender's webhook URL in the Twilio console is the wrong one.
   */
  @Override
  public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    String endpoint = endpointOf(request.url());
    if (TwilioVoice.ENDPOINTS.contains(endpoint)) {
      // the answer is computed here too, so that a broken menu is refused before anything is stored
      return TwilioVoice.handle(endpoint, request, settings).messages();
    }
    if (TwilioDeliveryStatus.ENDPOINT.equals(endpoint)) {
      return TwilioDeliveryStatus.parse(request);
    }
    requireForm(request, "messaging");
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
    String channel = isWhatsApp(from) ? WHATSAPP : SMS;
    checkEndpoint(endpoint, channel);
    Map<String, String> attributes = new LinkedHashMap<>();
    for (String name : ATTRIBUTES) {
      putIfPresent(attributes, name, FormData.first(form, name));
    }
    for (Map.Entry<String, String> e : RENAMED_ATTRIBUTES.entrySet()) {
      putIfPresent(attributes, e.getValue(), FormData.first(form, e.getKey()));
    }
    String to = firstNonBlank(form, "To");
    InboundMessage message = new InboundMessage(channel, sid, plainNumber(from), to == null ? null : plainNumber(to),
        FormData.first(form, "Body"), media(form), null, attributes);
    LOG.debug("Parsed Twilio {} message {} for tenant {} with {} media", channel, sid, settings.tenantId(),
        message.media().size());
    return List.of(message);
  }

  private static void checkEndpoint(String endpoint, String channel) throws WebhookException {
    if ((SMS.equals(endpoint) || WHATSAPP.equals(endpoint)) && !endpoint.equals(channel)) {
      String what = WHATSAPP.equals(channel) ? "a WhatsApp message (From is whatsapp:...)" : "an SMS (From is not whatsapp:...)";
      throw WebhookException.badRequest("wrong_endpoint", "Twilio posted " + what + " to the '" + endpoint
          + "' endpoint; set the webhook of the Twilio number or WhatsApp sender to .../twilio/" + channel);
    }
  }

  /** The last path segment of a webhook URL ({@code sms}, {@code whatsapp}); empty when there is none. */
  static String endpointOf(String url) {
    String path = withoutQuery(url);
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** A URL without its query string, fragment and trailing slashes. */
  static String withoutQuery(String url) {
    int end = url.length();
    int q = url.indexOf('?');
    int hash = url.indexOf('#');
    if (q >= 0) {
      end = q;
    }
    if (hash >= 0 && hash < end) {
      end = hash;
    }
    String path = url.substring(0, end);
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path;
  }

  /** Twilio posts every webhook as a form. */
  static void requireForm(WebhookRequest request, String what) throws WebhookException {
    if (!FORM.equals(request.mediaType())) {
      throw WebhookException.badRequest("unsupported_media_type",
          "Twilio " + what + " webhooks must be " + FORM + ", got " + describe(request.mediaType()));
    }
  }

  static boolean isWhatsApp(String address) {
    return address.regionMatches(true, 0, WHATSAPP_PREFIX, 0, WHATSAPP_PREFIX.length());
  }

  /** An address without Twilio's {@code whatsapp:} prefix. */
  static String plainNumber(String address) {
    return isWhatsApp(address) ? address.substring(WHATSAPP_PREFIX.length()).trim() : address;
  }

  /** An address as Twilio writes it on the channel: {@code whatsapp:+E164} for WhatsApp, as is for SMS. */
  static String channelAddress(String channel, String number) {
    String plain = plainNumber(number);
    return WHATSAPP.equals(channel) ? WHATSAPP_PREFIX + plain : plain;
  }

  static void putIfPresent(Map<String, String> attributes, String name, String value) {
    if (value != null && !value.isEmpty()) {
      attributes.put(name, value);
    }
  }

  @Override
  public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
    return WebhookResponse.twiml(EMPTY_TWIML);
  }

  /**
   * Empty TwiML, except on the voice endpoints: there the TwiML of the node the call is at, from
   * the tenant's menu alone (the same answer for a duplicate, so Twilio's retry gets it again).
   */
  @Override
  public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted, ChannelSettings settings) {
    String endpoint = endpointOf(request.url());
    if (!TwilioVoice.ENDPOINTS.contains(endpoint)) {
      return acknowledge(request, accepted);
    }
    try {
      return WebhookResponse.twiml(TwilioVoice.handle(endpoint, request, settings).twiml());
    } catch (WebhookException e) {
      // parse() accepted this very request, so this cannot happen
      throw new IllegalStateException("voice request refused after it was accepted: " + e.getMessage(), e);
    }
  }

  /**
   * Sends an SMS/MMS or WhatsApp message with the tenant's own account (see {@link TwilioMessagesApi}).
   * Not idempotent: Twilio's Messages API takes no idempotency key, so when the hub retries after a
   * timeout the contact may get the message twice.
   */
  @Override
  public OutboundMessage.Sent send(OutboundMessage message, ChannelSettings settings) throws WebhookException {
    return messagesApi.send(message, settings);
  }

  /**
   * Builds the POST Twilio sends, signed with the tenant's auth token: an inbound SMS or WhatsApp
   * message (endpoint {@code sms}, the default, or {@code whatsapp}; numbers with or without the
   * {@code whatsapp:} prefix), or on the voice endpoints an incoming call ({@code voice}), a
   * caller's answer to the start node's gather ({@code voice-gather}: the text is the keys pressed,
   * or the words said) or a transcribed voicemail ({@code voice-transcription}: the text is the
   * transcript) left at the menu's first recording node. The request's URL carries the query
   * string Twilio would call it with.
   *
   * @throws IllegalStateException when the tenant has no auth token, or no phone number and the
   *     message names no {@code to}, or (voice) no valid menu
   */
  @Override
  public WebhookRequest simulate(SimulatedMessage message, ChannelSettings settings) {
    String endpoint = message.endpoint() == null ? SMS : message.endpoint();
    if (!SMS.equals(endpoint) && !WHATSAPP.equals(endpoint) && !TwilioVoice.SIMULATED.contains(endpoint)) {
      throw new IllegalArgumentException("connector '" + ID + "' cannot simulate endpoint '" + endpoint
          + "'; it simulates: " + SMS + ", " + WHATSAPP + ", " + String.join(", ", TwilioVoice.SIMULATED));
    }
    if (message.url() == null || message.from() == null) {
      throw new IllegalArgumentException("a simulated Twilio message needs a url and a from number");
    }
    String token = settings.requireSecret(AUTH_TOKEN);
    String to = plainNumber(message.to() != null && !message.to().isBlank() ? message.to()
        : settings.list("phoneNumbers").stream().findFirst().orElseThrow(() -> new IllegalStateException(
            "tenant '" + settings.tenantId() + "' has no channels.twilio.phoneNumbers; give the message a 'to' number")));
    String from = plainNumber(message.from());
    String text = message.text() == null ? "" : message.text();
    String accountSid = settings.value("accountSid").filter(v -> !v.isBlank()).orElseGet(() -> "AC" + randomHex());
    if (TwilioVoice.SIMULATED.contains(endpoint)) {
      TwilioVoice.Simulated call = TwilioVoice.simulate(endpoint, message.url(), IvrMenu.require(settings),
          accountSid, from, to, text);
      LOG.debug("Simulated Twilio {} request for tenant {} to {}", endpoint, settings.tenantId(), message.url());
      return signedPost(call.url(), call.fields(), token);
    }
    String sid = "SM" + randomHex();
    Map<String, String> fields = WHATSAPP.equals(endpoint)
        ? whatsAppFields(sid, accountSid, from, to, text)
        : smsFields(sid, accountSid, from, to, text);
    LOG.debug("Simulated Twilio {} message {} for tenant {} to {}", endpoint, sid, settings.tenantId(), message.url());
    return signedPost(message.url(), fields, token);
  }

  /** A form post as Twilio's webhook proxy sends it, with its X-Twilio-Signature. */
  private static WebhookRequest signedPost(String url, Map<String, String> fields, String token) {
    StringBuilder body = new StringBuilder();
    fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&")
        .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", FORM);
    headers.put("Accept", "*/*");
    headers.put("User-Agent", "TwilioProxy/1.1");
    headers.put("I-Twilio-Idempotency-Token", UUID.randomUUID().toString());
    headers.put(SIGNATURE_HEADER, TwilioSignature.sign(token, url, fields));
    return new WebhookRequest("POST", url, headers, body.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** An inbound SMS's fields in the order Twilio sends them; unknown locations are sent empty. */
  private static Map<String, String> smsFields(String sid, String accountSid, String from, String to, String text) {
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
    fields.put("Body", text);
    fields.put("FromCountry", country(from));
    fields.put("To", to);
    fields.put("ToZip", "");
    fields.put("NumSegments", "1");
    fields.put("MessageSid", sid);
    fields.put("AccountSid", accountSid);
    fields.put("From", from);
    fields.put("ApiVersion", "2010-04-01");
    return fields;
  }

  /**
   * An inbound WhatsApp text's fields in the order Twilio sends them: no location fields, the
   * contact's profile name and WhatsApp id (the number without '+'), addresses with the prefix.
   */
  private static Map<String, String> whatsAppFields(String sid, String accountSid, String from, String to,
      String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("SmsMessageSid", sid);
    fields.put("NumMedia", "0");
    fields.put("ProfileName", "Simulated contact");
    fields.put("MessageType", "text");
    fields.put("SmsSid", sid);
    fields.put("WaId", from.startsWith("+") ? from.substring(1) : from);
    fields.put("SmsStatus", "received");
    fields.put("Body", text);
    fields.put("To", WHATSAPP_PREFIX + to);
    fields.put("NumSegments", "1");
    fields.put("ReferralNumMedia", "0");
    fields.put("MessageSid", sid);
    fields.put("AccountSid", accountSid);
    fields.put("From", WHATSAPP_PREFIX + from);
    fields.put("ApiVersion", "2010-04-01");
    return fields;
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

  static String firstNonBlank(Map<String, List<String>> form, String... names) {
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

  static String describe(String mediaType) {
    return mediaType.isEmpty() ? "no Content-Type" : "'" + abbreviate(mediaType) + "'";
  }

  static String abbreviate(String s) {
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

  static String randomHex() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
