package io.switchboard.plugins.email;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import java.io.ByteArrayOutputStream;
import java.util.Optional;
import org.apache.camel.Component;
import org.apache.camel.Message;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.component.mail.MailConfiguration;
import org.apache.camel.component.mail.MailMessage;

/**
 * A tenant's IMAP mailbox as a polled source: camel-mail's consumer fetches the unseen messages of
 * {@code imapFolder} (default INBOX) every {@code imapPollSeconds} (default 60) over TLS
 * ({@code imapSsl}, default true; {@code imapPort}, default 993, or 143 without TLS), signed in with
 * the secrets {@code imapUser} and {@code imapPassword}. A message is fetched with {@code peek}, so
 * it is marked seen only once the hub has queued it; it is never deleted. Each one reaches
 * {@link EmailConnector#parse} in its RFC 822 wire form, exactly as the inbound webhook receives it.
 *
 * <pre>
 * channels:
 *   email:
 *     addresses: ["support@acme.example"]
 *     imapHost: imap.acme.example
 *     secrets:
 *       imapUser: ${env:ACME_IMAP_USER}
 *       imapPassword: ${env:ACME_IMAP_PASSWORD}
 * </pre>
 */
final class ImapMailbox implements ChannelConnector.PollSource {

  static final String HOST = "imapHost";

  private final String protocol;
  private final String user;
  private final String password;
  private final String folder;
  private final String remainder;
  private final String display;

  private ImapMailbox(String protocol, String user, String password, String folder, String remainder, String display) {
    this.protocol = protocol;
    this.user = user;
    this.password = password;
    this.folder = folder;
    this.remainder = remainder;
    this.display = display;
  }

  /**
   * The tenant's mailbox, or empty when it sets no {@code imapHost}.
   *
   * @throws IllegalStateException naming the setting (never a secret) when one is missing or wrong
   */
  static Optional<ChannelConnector.PollSource> of(ChannelSettings settings) {
    Optional<String> host = settings.value(HOST).map(String::strip).filter(h -> !h.isEmpty());
    if (host.isEmpty()) {
      return Optional.empty();
    }
    String where = "tenant '" + settings.tenantId() + "' has channels." + EmailConnector.ID + ".";
    if (!host.get().matches("[A-Za-z0-9.-]+")) {
      throw new IllegalStateException(where + HOST + " '" + host.get() + "', which is not a host name");
    }
    boolean ssl = !"false".equalsIgnoreCase(settings.value("imapSsl").orElse("true").strip());
    String port = settings.value("imapPort").map(String::strip).orElse(ssl ? "993" : "143");
    String seconds = settings.value("imapPollSeconds").map(String::strip).orElse("60");
    if (!port.matches("\\d{1,5}")) {
      throw new IllegalStateException(where + "imapPort '" + port + "', which is not a port number");
    }
    if (!seconds.matches("\\d{1,6}") || Long.parseLong(seconds) < 1) {
      throw new IllegalStateException(where + "imapPollSeconds '" + seconds + "', which is not a positive whole number");
    }
    String folder = settings.value("imapFolder").map(String::strip).filter(f -> !f.isEmpty()).orElse("INBOX");
    String user = settings.requireSecret("imapUser");
    String password = settings.requireSecret("imapPassword");
    // the credentials and mail options go on the component's configuration, never into the URI
    String remainder = "//" + host.get() + ":" + port + "?maxMessagesPerPoll=100&delay=" + (Long.parseLong(seconds) * 1000);
    String protocol = ssl ? "imaps" : "imap";
    return Optional.of(new ImapMailbox(protocol, user, password, folder, remainder,
        protocol + "://" + host.get() + ":" + port + "/" + folder));
  }

  @Override
  public Component component() {
    // The hub registers the component under a name of its own: the protocol (IMAP over TLS or not)
    // must come from here, not from the endpoint URI's scheme.
    // Every endpoint copies this configuration; the options are set here rather than as URI
    // parameters, which the hub's Camel could only bind through configurers it does not ship.
    MailConfiguration configuration = new MailConfiguration();
    configuration.configureProtocol(protocol);
    configuration.setIgnoreUriScheme(true);
    configuration.setUsername(user);
    configuration.setPassword(password);
    configuration.setFolderName(folder);
    configuration.setUnseen(true);
    configuration.setPeek(true);
    configuration.setDelete(false);
    // mapped while the folder is open: marking the message seen after the exchange reads its headers
    configuration.setMapMailMessage(true);
    MailComponent component = new MailComponent();
    component.setConfiguration(configuration);
    return component;
  }

  @Override
  public String remainder() {
    return remainder;
  }

  @Override
  public byte[] body(Message message) throws Exception {
    if (!(message instanceof MailMessage mail) || mail.getOriginalMessage() == null) {
      throw new IllegalArgumentException("expected a mail message from camel-mail, got " + message.getClass().getName());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    mail.getOriginalMessage().writeTo(out);
    return out.toByteArray();
  }

  @Override
  public String contentType() {
    return EmailConnector.RFC822;
  }

  @Override
  public String toString() {
    return "ImapMailbox[" + display + "]";
  }
}
