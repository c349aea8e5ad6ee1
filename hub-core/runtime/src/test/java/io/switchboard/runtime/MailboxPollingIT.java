package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.runtime.util.Json;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's IMAP mailbox, polled by the email plugin's camel-mail consumer inside the real hub
 * (the plugin archive as it ships): new mail becomes threaded interactions, a message is marked
 * seen only once it is queued, a second copy of one Message-ID is stored once, and the hub stops
 * polling when the tenant drops its mailbox.
 */
class MailboxPollingIT {

  @TempDir
  static Path dir;
  static HubFixture hub;
  static GreenMail mail;
  static Path tenantFile;

  static final String KEY = "sb_mbx_key";
  static final String MAILBOX = "support@mbx.test";
  static final String PASSWORD = "imap-secret-pw-41";

  @BeforeAll
  static void start() throws Exception {
    mail = new GreenMail(ServerSetupTest.IMAP.dynamicPort());
    mail.start();
    mail.setUser(MAILBOX, MAILBOX, PASSWORD);
    hub = HubFixture.prepare(dir);
    Path email = Path.of(System.getProperty("switchboard.it.optional-plugins", "target/it-optional-plugins"))
        .resolve("switchboard-plugin-email.zip");
    Files.copy(email, hub.home.resolve("plugins/email.zip"));
    tenantFile = hub.home.resolve("config/tenants/mbx.yaml");
    Files.writeString(tenantFile, tenant(true));
    hub.overrides.put("switchboard.tenants.poll-ms", "300");
    hub.start();
  }

  static String tenant(boolean polling) {
    return """
        id: mbx
        apiKeys: [%s]
        channels:
          email:
            addresses: ["%s"]
        %s
            secrets:
              webhookSecret: unused-webhook-secret
              imapUser: %s
              imapPassword: %s
        workflow:
          steps:
            - step: tag
              config: {tags: [mailbox]}
        """.formatted(KEY, MAILBOX, polling ? """
                imapHost: 127.0.0.1
                imapPort: "%d"
                imapSsl: "false"
                imapPollSeconds: "1"
            """.formatted(mail.getImap().getPort()).stripTrailing() : "", MAILBOX, PASSWORD);
  }

  @AfterAll
  static void stop() {
    if (hub != null) {
      hub.close();
    }
    if (mail != null) {
      mail.stop();
    }
  }

  static MimeMessage message(String messageId, String inReplyTo, String text) throws Exception {
    MimeMessage m = new MimeMessage(Session.getInstance(new Properties())) {
      @Override
      protected void updateMessageID() throws jakarta.mail.MessagingException {
        setHeader("Message-ID", messageId);
      }
    };
    m.setFrom(new InternetAddress("carol@customer.test", "Carol"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress(MAILBOX));
    m.setSubject("Order 1234");
    m.setSentDate(new java.util.Date());
    if (inReplyTo != null) {
      m.setHeader("In-Reply-To", inReplyTo);
      m.setHeader("References", inReplyTo);
    }
    m.setText(text, "UTF-8");
    m.saveChanges();
    return m;
  }

  static JsonNode interactions() throws Exception {
    return Json.MAPPER.readTree(hub.get("/api/v1/tenants/mbx/interactions", KEY).body()).path("items");
  }

  static int stored() {
    try {
      return interactions().size();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void newMailBecomesInteractionsMarkedSeenOnceQueuedAndPollingStopsWhenTheMailboxIsRemoved() throws Exception {
    var inbox = mail.getManagers().getImapHostManager().getInbox(mail.getUserManager().getUser(MAILBOX));
    inbox.appendMessage(message("<m1@customer.test>", null, "Where is my order?"), new Flags(), new java.util.Date());
    inbox.appendMessage(message("<m2@customer.test>", "<m1@customer.test>", "Any news?\n\n> Where is my order?"),
        new Flags(), new java.util.Date());
    // the same message delivered twice (a list and a direct copy): one interaction
    inbox.appendMessage(message("<m2@customer.test>", "<m1@customer.test>", "Any news?\n\n> Where is my order?"),
        new Flags(), new java.util.Date());

    HubFixture.await("the mailbox to be polled", () -> stored() == 2);
    JsonNode items = interactions();
    JsonNode reply = items.get(0).path("providerMessageId").asText().equals("<m2@customer.test>") ? items.get(0) : items.get(1);
    assertThat(reply.path("channel").asText()).isEqualTo("email");
    assertThat(reply.path("from").asText()).isEqualTo("carol@customer.test");
    assertThat(reply.path("to").asText()).isEqualTo(MAILBOX);
    assertThat(reply.path("text").asText()).isEqualTo("Any news?");
    assertThat(reply.path("attributes").path("inReplyTo").asText()).isEqualTo("<m1@customer.test>");
    assertThat(reply.path("signals").path("tags").toString()).contains("mailbox");
    assertThat(items.get(0).path("conversationId")).isEqualTo(items.get(1).path("conversationId"));
    HubFixture.await("the polled messages to be marked seen", () -> {
      try {
        return inbox.getMessages().stream().allMatch(m -> m.isSet(Flags.Flag.SEEN));
      } catch (Exception e) {
        return false;
      }
    });

    // the tenant drops its mailbox: nothing more is fetched
    Files.writeString(tenantFile, tenant(false));
    HubFixture.await("the polling route to stop", () ->
        hub.hub.camelContext().getRoute("poll-mbx-email") == null);
    inbox.appendMessage(message("<m3@customer.test>", null, "Hello again"), new Flags(), new java.util.Date());
    Thread.sleep(2500);
    assertThat(stored()).isEqualTo(2);
    assertThat(inbox.getMessages().get(inbox.getMessages().size() - 1).isSet(Flags.Flag.SEEN)).isFalse();
    assertThat(GreenMailUtil.getBody(inbox.getMessages().get(0).getMimeMessage())).contains("Where is my order?");
  }
}
