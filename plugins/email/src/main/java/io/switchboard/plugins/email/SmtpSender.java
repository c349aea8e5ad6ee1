package io.switchboard.plugins.email;

import io.switchboard.api.ChannelSettings;
import io.switchboard.api.OutboundMessage;
import io.switchboard.api.WebhookException;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * Sends one message over SMTP with the tenant's server and credentials, in a {@link Session} built
 * for that tenant's settings (never Jakarta Mail's JVM-wide default session), with 10 s timeouts.
 */
final class SmtpSender {

  static final String TIMEOUT_MILLIS = "10000";

  private SmtpSender() {}

  /** The tenant's session: its host, port and STARTTLS setting; credentials are passed to connect only. */
  static Session session(ChannelSettings settings) {
    String host = settings.value("smtpHost").filter(h -> !h.isBlank()).orElseThrow(() -> new IllegalStateException(
        "tenant '" + settings.tenantId() + "' has no channels." + EmailConnector.ID + ".smtpHost to send through"));
    String port = settings.value("smtpPort").orElse("587").strip();
    boolean startTls = settings.value("smtpStartTls").map(v -> !"false".equalsIgnoreCase(v.strip())).orElse(true);
    boolean auth = settings.secrets().get("smtpUser") != null && !settings.secrets().get("smtpUser").isEmpty();
    Properties p = new Properties();
    p.setProperty("mail.transport.protocol", "smtp");
    p.setProperty("mail.smtp.host", host);
    p.setProperty("mail.smtp.port", port);
    p.setProperty("mail.smtp.auth", String.valueOf(auth));
    p.setProperty("mail.smtp.starttls.enable", String.valueOf(startTls));
    // With STARTTLS on, refuse to go on in clear text (and send the password) when the server does not offer it.
    p.setProperty("mail.smtp.starttls.required", String.valueOf(startTls));
    p.setProperty("mail.smtp.ssl.checkserveridentity", "true");
    p.setProperty("mail.smtp.connectiontimeout", TIMEOUT_MILLIS);
    p.setProperty("mail.smtp.timeout", TIMEOUT_MILLIS);
    p.setProperty("mail.smtp.writetimeout", TIMEOUT_MILLIS);
    settings.value("smtpHeloName").ifPresent(h -> p.setProperty("mail.smtp.localhost", h));
    return Session.getInstance(p);
  }

  static OutboundMessage.Sent send(OutboundMessage message, ChannelSettings settings) throws WebhookException {
    Session session = session(settings);
    InternetAddress from = from(message, settings);
    String messageId = messageId(settings.tenantId(), message.idempotencyKey(), from.getAddress());
    MimeMessage mime = new FixedIdMessage(session, messageId);
    try {
      mime.setFrom(from);
      try {
        mime.setRecipients(Message.RecipientType.TO, InternetAddress.parse(message.to(), true));
      } catch (AddressException e) {
        throw WebhookException.badRequest("invalid_recipient", "'" + message.to() + "' is not an email address: "
            + e.getMessage());
      }
      String subject = subject(message, settings);
      if (subject != null) {
        mime.setSubject(subject, "UTF-8");
      }
      String inReplyTo = angle(message.attributes().get("inReplyToMessageId"));
      if (inReplyTo != null) {
        mime.setHeader("In-Reply-To", inReplyTo);
        String references = message.attributes().getOrDefault("references", "").strip();
        if (!references.contains(inReplyTo)) {
          references = (references + " " + inReplyTo).strip();
        }
        mime.setHeader("References", references);
      } else if (message.attributes().get("references") != null && !message.attributes().get("references").isBlank()) {
        mime.setHeader("References", message.attributes().get("references").strip());
      }
      mime.setSentDate(new java.util.Date());
      mime.setText(body(message), "UTF-8");
      mime.saveChanges();
    } catch (MessagingException e) {
      throw new IllegalStateException("cannot build the email for tenant '" + settings.tenantId() + "': " + e.getMessage(), e);
    }
    String user = settings.secrets().get("smtpUser");
    String password = settings.secrets().get("smtpPassword");
    try (Transport transport = session.getTransport("smtp")) {
      if (user != null && !user.isEmpty()) {
        transport.connect(user, password == null ? "" : password);
      } else {
        transport.connect();
      }
      transport.sendMessage(mime, mime.getAllRecipients());
    } catch (AuthenticationFailedException e) {
      // The server's text, never the credentials.
      throw new WebhookException(401, "smtp_auth_failed", "the SMTP server refused the tenant's smtpUser/smtpPassword");
    } catch (SMTPAddressFailedException e) {
      throw refused(e.getReturnCode(), "the SMTP server refused recipient " + message.to() + ": " + e.getMessage());
    } catch (SMTPSendFailedException e) {
      throw refused(e.getReturnCode(), "the SMTP server refused the message: " + e.getMessage());
    } catch (SendFailedException e) {
      Exception next = e.getNextException();
      if (next instanceof SMTPAddressFailedException a) {
        throw refused(a.getReturnCode(), "the SMTP server refused recipient " + message.to() + ": " + a.getMessage());
      }
      throw new WebhookException(422, "smtp_refused", "the SMTP server refused the message: " + e.getMessage());
    } catch (MessagingException e) {
      throw new WebhookException(503, "smtp_unavailable", "cannot deliver to the SMTP server "
          + settings.value("smtpHost").orElse("") + ": " + e.getMessage());
    }
    return new OutboundMessage.Sent(messageId, "sent");
  }

  /** SMTP 4xx is transient (503: the hub retries), 5xx permanent (422: it does not). */
  private static WebhookException refused(int code, String message) {
    return code >= 400 && code < 500 ? new WebhookException(503, "smtp_unavailable", message)
        : new WebhookException(422, "smtp_refused", message);
  }

  private static InternetAddress from(OutboundMessage message, ChannelSettings settings) {
    String address = message.from() != null && !message.from().isBlank()
        && settings.list(InboundEmail.ADDRESSES).stream().anyMatch(a -> a.equalsIgnoreCase(message.from()))
        ? message.from()
        : settings.value("fromAddress").filter(a -> !a.isBlank()).orElseThrow(() -> new IllegalStateException(
            "tenant '" + settings.tenantId() + "' has no channels." + EmailConnector.ID + ".fromAddress to send from"));
    try {
      InternetAddress a = new InternetAddress(address, true);
      String name = settings.value("fromName").orElse(null);
      if (name != null && !name.isBlank()) {
        a.setPersonal(name, "UTF-8");
      }
      return a;
    } catch (AddressException | UnsupportedEncodingException e) {
      throw new IllegalStateException("tenant '" + settings.tenantId() + "' has an invalid from address '"
          + address + "': " + e.getMessage());
    }
  }

  /** "Re: subject" for a reply (no second "Re:"), the subject as given otherwise, else the tenant's default. */
  static String subject(OutboundMessage message, ChannelSettings settings) {
    String subject = message.attributes().get("subject");
    if (subject == null || subject.isBlank()) {
      return settings.value("defaultSubject").filter(s -> !s.isBlank()).orElse(null);
    }
    subject = subject.strip();
    boolean reply = message.attributes().get("inReplyToMessageId") != null;
    return reply && !subject.toLowerCase(Locale.ROOT).startsWith("re:") ? "Re: " + subject : subject;
  }

  private static String body(OutboundMessage message) {
    if (message.mediaUrls().isEmpty()) {
      return message.text();
    }
    StringBuilder b = new StringBuilder(message.text());
    b.append(message.text().isEmpty() ? "" : "\n\n");
    for (String url : message.mediaUrls()) {
      b.append(url).append('\n');
    }
    return b.toString().strip();
  }

  static String angle(String id) {
    if (id == null || id.isBlank()) {
      return null;
    }
    String s = id.strip();
    return s.startsWith("<") ? s : "<" + s + ">";
  }

  /**
   * The same for the hub's retries of one send (from the idempotency key), so that a retry after a
   * lost answer is recognisable as the same message by the recipients' mail systems.
   */
  static String messageId(String tenantId, String idempotencyKey, String fromAddress) {
    int at = fromAddress.lastIndexOf('@');
    String domain = at < 0 ? "switchboard.invalid" : fromAddress.substring(at + 1);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((tenantId + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
      return "<sb." + HexFormat.of().formatHex(digest, 0, 16) + "@" + domain + ">";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A message whose Message-ID is ours, not the one {@code saveChanges} would generate. */
  private static final class FixedIdMessage extends MimeMessage {
    private final String id;

    FixedIdMessage(Session session, String id) {
      super(session);
      this.id = id;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }
  }
}
