package io.switchboard.plugins.email;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.OutboundMessage;
import io.switchboard.api.PluginContext;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import io.switchboard.api.WebhookResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * Email, served at {@code POST /webhooks/{tenant}/email/inbound}:
 *
 * <ul>
 *   <li>inbound: a raw RFC 822 message ({@code Content-Type: message/rfc822}), as inbound-parse /
 *       raw-MIME forwarding services post it, signed {@code X-Switchboard-Email-Signature:
 *       t=<unix>,v1=<hex HMAC-SHA256(webhookSecret, t + "." + body)>} (see {@link EmailSignature});
 *   <li>{@link #send}: SMTP through the tenant's own server, threaded with In-Reply-To/References.
 * </ul>
 *
 * Tenants configure it as:
 *
 * <pre>
 * channels:
 *   email:
 *     addresses: ["support@acme.example"]
 *     smtpHost: smtp.acme.example
 *     smtpPort: "587"
 *     smtpStartTls: "true"
 *     fromAddress: support@acme.example
 *     secrets:
 *       webhookSecret: ${env:ACME_EMAIL_WEBHOOK_SECRET}
 *       smtpUser: ${env:ACME_SMTP_USER}
 *       smtpPassword: ${env:ACME_SMTP_PASSWORD}
 * </pre>
 */
@Extension
public class EmailConnector implements ChannelConnector {

  static final String ID = "email";
  static final String CHANNEL = "email";
  static final String INBOUND = "inbound";
  static final String RFC822 = "message/rfc822";
  static final String WEBHOOK_SECRET = "webhookSecret";
  static final String IMAP_HOST = "imapHost";
  /** The method of a request the hub made up for a message it fetched from the tenant's mailbox. */
  static final String POLL = "POLL";

  private final Logger log;
  private final PluginContext.Metrics metrics;
  private final Clock clock;

  /** The hub passes the plugin's context to a public constructor that takes one. */
  public EmailConnector(PluginContext context) {
    this(context, Clock.systemUTC());
  }

  EmailConnector(PluginContext context, Clock clock) {
    this.log = context.logger(EmailConnector.class);
    this.metrics = context.metrics();
    this.clock = clock;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<String> endpoints() {
    return Set.of(INBOUND);
  }

  /** 401 without {@value EmailSignature#HEADER}, 403 when it is wrong or more than 300 s off. */
  @Override
  public void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    String secret = settings.requireSecret(WEBHOOK_SECRET);
    try {
      EmailSignature.verify(request.header(EmailSignature.HEADER), secret, request.body(), clock.instant());
    } catch (WebhookException e) {
      log.debug("Email webhook for tenant {} refused: {}", settings.tenantId(), e.code());
      throw e;
    }
  }

  @Override
  public List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    if (!POLL.equals(request.method()) && !RFC822.equals(request.mediaType())) {
      throw WebhookException.badRequest("unsupported_media_type", "expected Content-Type " + RFC822
          + " (the raw message), got " + (request.mediaType().isEmpty() ? "none" : "'" + request.mediaType() + "'"));
    }
    InboundMessage message = InboundEmail.parse(request.body(), settings, POLL.equals(request.method()));
    metrics.count("email.messages.parsed", 1, Map.of("tenant", settings.tenantId()));
    return List.of(message);
  }

  /**
   * The tenant's mailbox, polled with camel-mail when it sets {@code imapHost} (see {@link ImapMailbox}).
   */
  @Override
  public java.util.Optional<PollSource> pollSource(ChannelSettings settings) {
    return ImapMailbox.of(settings);
  }

  /** Inbound-parse services want a quick 2xx; the body is ignored. */
  @Override
  public WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted) {
    return WebhookResponse.ok();
  }

  /**
   * Sends the text as a plain-text email over the tenant's SMTP server (see {@link SmtpSender}).
   * Attributes: {@code subject}, {@code inReplyToMessageId} and {@code references} thread it as a reply.
   *
   * @return the Message-ID of the sent email, in angle brackets
   */
  @Override
  public OutboundMessage.Sent send(OutboundMessage message, ChannelSettings settings) throws WebhookException {
    // Jakarta Mail finds its providers through the context class loader: make it the plugin's.
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(EmailConnector.class.getClassLoader());
    try {
      OutboundMessage.Sent sent = SmtpSender.send(message, settings);
      metrics.count("email.messages.sent", 1, Map.of("tenant", settings.tenantId()));
      log.debug("Sent email {} for tenant {}", sent.providerMessageId(), settings.tenantId());
      return sent;
    } catch (WebhookException e) {
      metrics.count("email.messages.failed", 1, Map.of("tenant", settings.tenantId(), "code", e.code()));
      throw e;
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /**
   * Builds the raw email a contact would send to the tenant's address (the message's {@code to},
   * else the first of {@code addresses}), posted and signed as an inbound-parse service would.
   */
  @Override
  public WebhookRequest simulate(SimulatedMessage message, ChannelSettings settings) {
    if (message.endpoint() != null && !INBOUND.equals(message.endpoint())) {
      throw new IllegalArgumentException("connector '" + ID + "' has no endpoint '" + message.endpoint()
          + "'; it serves: " + INBOUND);
    }
    if (message.url() == null || message.from() == null) {
      throw new IllegalArgumentException("a simulated email needs a url and a from address");
    }
    String secret = settings.requireSecret(WEBHOOK_SECRET);
    String to = message.to() != null && !message.to().isBlank() ? message.to()
        : settings.list(InboundEmail.ADDRESSES).stream().findFirst().orElseThrow(() -> new IllegalStateException(
            "tenant '" + settings.tenantId() + "' has no channels." + ID + "." + InboundEmail.ADDRESSES));
    String domain = message.from().contains("@") ? message.from().substring(message.from().lastIndexOf('@') + 1)
        : "simulator.switchboard.invalid";
    String text = message.text() == null ? "" : message.text();
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(clock));
    String raw = "Return-Path: <" + message.from() + ">\r\n"
        + "From: Switchboard simulator <" + message.from() + ">\r\n"
        + "To: " + to + "\r\n"
        + "Subject: Simulated message\r\n"
        + "Date: " + date + "\r\n"
        + "Message-ID: <sim." + UUID.randomUUID() + "@" + domain + ">\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n"
        + "Content-Transfer-Encoding: 8bit\r\n"
        + "\r\n"
        + text.replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n";
    byte[] body = raw.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", RFC822);
    headers.put("User-Agent", "Switchboard-Simulator");
    headers.put(EmailSignature.HEADER, EmailSignature.header(secret, clock.instant().getEpochSecond(), body));
    return new WebhookRequest("POST", message.url(), headers, body);
  }
}
