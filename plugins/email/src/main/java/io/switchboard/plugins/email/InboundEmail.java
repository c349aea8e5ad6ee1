package io.switchboard.plugins.email;

import io.switchboard.api.ChannelSettings;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookException;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/** Parses one raw RFC 822 message into the {@link InboundMessage} the hub queues. Stateless. */
final class InboundEmail {

  static final String ADDRESSES = "addresses";
  /** Parts nested deeper than this are not looked into (a MIME bomb, not mail). */
  private static final int MAX_DEPTH = 10;

  private InboundEmail() {}

  /** A parse-only session of this plugin's own, never Jakarta Mail's JVM-wide default. */
  private static Session parseSession() {
    Properties p = new Properties();
    p.setProperty("mail.mime.address.strict", "false");
    p.setProperty("mail.mime.decodetext.strict", "false");
    return Session.getInstance(p);
  }

  /**
   * @param fromMailbox true when the hub fetched it from the tenant's own mailbox: it is the
   *     tenant's even when none of its recipients is listed (a Bcc, a list address), and is then
   *     taken as sent to the first of {@code addresses}
   */
  static InboundMessage parse(byte[] raw, ChannelSettings settings, boolean fromMailbox) throws WebhookException {
    if (raw.length == 0) {
      throw malformed("the body is empty; expected a raw RFC 822 message");
    }
    try {
      MimeMessage mime = new MimeMessage(parseSession(), new ByteArrayInputStream(raw));
      return message(mime, settings, fromMailbox);
    } catch (MessagingException e) {
      throw malformed("the message cannot be parsed as MIME: " + describe(e));
    } catch (IOException e) {
      throw malformed("the message body cannot be read: " + e.getMessage());
    }
  }

  private static InboundMessage message(MimeMessage mime, ChannelSettings settings, boolean fromMailbox)
      throws MessagingException, IOException, WebhookException {
    String messageId = header(mime, "Message-ID");
    if (messageId == null) {
      throw WebhookException.badRequest("missing_header",
          "the message has no Message-ID header; it identifies the message and its replies");
    }
    InternetAddress from = firstAddress(mime, "From");
    if (from == null) {
      throw WebhookException.badRequest("missing_header", "the message has no From header with an address");
    }
    String to = recipient(mime, settings, fromMailbox);

    Map<String, String> attributes = new LinkedHashMap<>();
    if (from.getPersonal() != null && !from.getPersonal().isBlank()) {
      attributes.put("fromName", from.getPersonal().strip());
    }
    String subject = mime.getSubject();
    if (subject != null) {
      attributes.put("subject", subject.strip());
    }
    putHeader(attributes, mime, "In-Reply-To", "inReplyTo");
    putHeader(attributes, mime, "References", "references");
    if (mime.getSentDate() != null) {
      attributes.put("sentAt", mime.getSentDate().toInstant().toString());
    }

    Body body = new Body();
    body.walk(mime, 0);
    String text = body.plain != null ? body.plain : body.html != null ? HtmlText.toText(body.html) : "";
    QuotedReply reply = QuotedReply.split(text);
    if (!reply.quoted().isEmpty()) {
      attributes.put("quoted", reply.quoted());
    }
    if (!body.attachments.isEmpty()) {
      attributes.put("attachments", "[" + String.join(", ", body.attachments) + "]");
    }
    return new InboundMessage(EmailConnector.CHANNEL, messageId, from.getAddress().toLowerCase(Locale.ROOT), to,
        reply.text(), List.of(), null, attributes);
  }

  /** The first To or Cc address that is one of the tenant's, else 404 (else its first, for its own mailbox). */
  private static String recipient(MimeMessage mime, ChannelSettings settings, boolean fromMailbox)
      throws MessagingException, WebhookException {
    List<InternetAddress> recipients = new ArrayList<>();
    for (String name : List.of("To", "Cc", "Delivered-To", "X-Original-To")) {
      recipients.addAll(addresses(mime, name));
    }
    if (recipients.isEmpty()) {
      throw WebhookException.badRequest("missing_header", "the message has no To header with an address");
    }
    List<String> mine = settings.list(ADDRESSES).stream().map(a -> a.strip().toLowerCase(Locale.ROOT)).toList();
    for (InternetAddress a : recipients) {
      String address = a.getAddress() == null ? "" : a.getAddress().toLowerCase(Locale.ROOT);
      if (mine.contains(address)) {
        return address;
      }
    }
    if (fromMailbox && !mine.isEmpty()) {
      return mine.get(0);
    }
    throw new WebhookException(404, "channel_not_configured", "tenant '" + settings.tenantId() + "' has none of "
        + recipients.stream().map(InternetAddress::getAddress).toList() + " in channels." + EmailConnector.ID + "."
        + ADDRESSES);
  }

  private static InternetAddress firstAddress(MimeMessage mime, String name) throws MessagingException, WebhookException {
    List<InternetAddress> all = addresses(mime, name);
    return all.isEmpty() || all.get(0).getAddress() == null || all.get(0).getAddress().isBlank() ? null : all.get(0);
  }

  private static List<InternetAddress> addresses(MimeMessage mime, String name) throws MessagingException, WebhookException {
    String[] values = mime.getHeader(name);
    List<InternetAddress> out = new ArrayList<>();
    if (values == null) {
      return out;
    }
    for (String v : values) {
      try {
        for (Address a : InternetAddress.parseHeader(v, false)) {
          if (a instanceof InternetAddress ia && ia.getAddress() != null && !ia.getAddress().isBlank()) {
            out.add(ia);
          }
        }
      } catch (AddressException e) {
        throw malformed("header " + name + " is not an address list: " + e.getMessage());
      }
    }
    return out;
  }

  private static void putHeader(Map<String, String> attributes, MimeMessage mime, String header, String attribute)
      throws MessagingException {
    String v = header(mime, header);
    if (v != null) {
      attributes.put(attribute, v);
    }
  }

  /** A header's value unfolded, whitespace collapsed; null when absent or blank. */
  private static String header(Part part, String name) throws MessagingException {
    String[] values = part.getHeader(name);
    if (values == null || values.length == 0) {
      return null;
    }
    String v = MimeUtility.unfold(values[0]).replaceAll("\\s+", " ").strip();
    return v.isEmpty() ? null : v;
  }

  static WebhookException malformed(String message) {
    return WebhookException.badRequest("malformed_mime", message);
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Walks the MIME tree: the first text/plain and text/html bodies, and the attachments' metadata. */
  private static final class Body {
    String plain;
    String html;
    final List<String> attachments = new ArrayList<>();

    void walk(Part part, int depth) throws MessagingException, IOException, WebhookException {
      if (depth > MAX_DEPTH) {
        throw malformed("MIME parts are nested more than " + MAX_DEPTH + " deep");
      }
      ContentType type;
      try {
        type = new ContentType(part.getContentType() == null ? "text/plain" : part.getContentType());
      } catch (ParseException e) {
        throw malformed("a part has an unreadable Content-Type '" + part.getContentType() + "': " + e.getMessage());
      }
      String filename = filename(part);
      boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition(part)) || filename != null;
      if (type.match("multipart/*") && !attachment) {
        Object content = part.getContent();
        if (!(content instanceof Multipart mp)) {
          throw malformed("a " + type.getBaseType() + " part has no parts (missing or wrong boundary?)");
        }
        if (mp.getCount() == 0) {
          throw malformed("a " + type.getBaseType() + " part has no parts (missing or wrong boundary?)");
        }
        for (int i = 0; i < mp.getCount(); i++) {
          BodyPart child = mp.getBodyPart(i);
          walk(child, depth + 1);
        }
        return;
      }
      if (!attachment && type.match("text/plain") && plain == null) {
        plain = text(part, type);
      } else if (!attachment && type.match("text/html") && html == null) {
        html = text(part, type);
      } else if (attachment || !type.match("text/*")) {
        attachments.add(describe(part, type, filename));
      }
    }

    private static String text(Part part, ContentType type) throws MessagingException, IOException {
      String charset = type.getParameter("charset");
      String java = charset == null ? "UTF-8" : MimeUtility.javaCharset(charset);
      byte[] bytes;
      try (InputStream in = part.getInputStream()) {
        bytes = in.readAllBytes();
      }
      try {
        return new String(bytes, java).replace("\r\n", "\n");
      } catch (UnsupportedEncodingException e) {
        return new String(bytes, StandardCharsets.UTF_8).replace("\r\n", "\n");
      }
    }

    private static String describe(Part part, ContentType type, String filename) throws MessagingException, IOException {
      long size;
      try (InputStream in = part.getInputStream()) {
        size = in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      String name = filename != null ? filename : type.match("message/rfc822") ? "message.eml" : "unnamed";
      return "{\"filename\": " + quote(name) + ", \"contentType\": " + quote(type.getBaseType().toLowerCase(Locale.ROOT))
          + ", \"size\": " + size + "}";
    }

    private static String filename(Part part) throws MessagingException {
      String name;
      try {
        name = part.getFileName();
      } catch (MessagingException e) {
        name = null;
      }
      if (name == null || name.isBlank()) {
        return null;
      }
      try {
        return MimeUtility.decodeText(name);
      } catch (UnsupportedEncodingException e) {
        return name;
      }
    }

    private static String disposition(Part part) {
      try {
        return part.getDisposition();
      } catch (MessagingException e) {
        return null;
      }
    }
  }

  /** A JSON string literal. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
