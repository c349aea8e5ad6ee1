package io.switchboard.plugins.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The tenant's mailbox settings as the camel-mail source the hub consumes, against a real IMAP server. */
class ImapMailboxTest {

  private GreenMail imap;

  @BeforeEach
  void start() {
    imap = new GreenMail(ServerSetupTest.IMAP.dynamicPort());
    imap.start();
    imap.setUser("support@acme.test", "support@acme.test", "pw-imap-1234");
  }

  @AfterEach
  void stop() {
    imap.stop();
  }

  private ChannelSettings settings(Map<String, Object> values) {
    return new ChannelSettings("acme", values, Map.of("imapUser", "support@acme.test", "imapPassword", "pw-imap-1234"));
  }

  @Test
  void noImapHostMeansNoPolling() {
    assertThat(ImapMailbox.of(settings(Map.of("addresses", List.of("support@acme.test"))))).isEmpty();
  }

  @Test
  void badSettingsNameTheSettingAndNeverTheSecret() {
    assertThatThrownBy(() -> ImapMailbox.of(settings(Map.of("imapHost", "imap.acme.test", "imapPort", "99999x"))))
        .hasMessageContaining("imapPort").hasMessageNotContaining("pw-imap-1234");
    assertThatThrownBy(() -> ImapMailbox.of(new ChannelSettings("acme", Map.of("imapHost", "imap.acme.test"), Map.of())))
        .hasMessageContaining("imapUser");
  }

  @Test
  void theSourceFetchesUnseenMailInItsWireFormAndKeepsSecretsOutOfTheUri() throws Exception {
    ChannelConnector.PollSource source = ImapMailbox.of(settings(Map.of("imapHost", "127.0.0.1",
        "imapPort", String.valueOf(imap.getImap().getPort()), "imapSsl", "false", "imapPollSeconds", "1"))).orElseThrow();
    assertThat(source.remainder()).doesNotContain("pw-imap-1234").doesNotContain("support@acme.test");
    assertThat(source.toString()).doesNotContain("pw-imap-1234");

    MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
    m.setFrom(new InternetAddress("carol@customer.test"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress("support@acme.test"));
    m.setSubject("Order 1234");
    m.setSentDate(new java.util.Date());
    m.setText("Where is my order?", "UTF-8");
    m.saveChanges();
    var inbox = imap.getManagers().getImapHostManager().getInbox(imap.getUserManager().getUser("support@acme.test"));
    inbox.appendMessage(m, new Flags(), new java.util.Date());

    List<String> bodies = new CopyOnWriteArrayList<>();
    try (DefaultCamelContext camel = new DefaultCamelContext()) {
      camel.addComponent("sb-test", source.component());
      camel.addRoutes(new RouteBuilder() {
        @Override
        public void configure() {
          from("sb-test:" + source.remainder()).process(e -> bodies.add(new String(source.body(e.getMessage()), StandardCharsets.UTF_8)));
        }
      });
      camel.start();
      long until = System.currentTimeMillis() + 20_000;
      while ((bodies.isEmpty() || !inbox.getMessages().get(0).isSet(Flags.Flag.SEEN)) && System.currentTimeMillis() < until) {
        Thread.sleep(100);
      }
    }
    assertThat(bodies).hasSize(1);
    assertThat(bodies.get(0)).contains("Subject: Order 1234").contains("Where is my order?");
    assertThat(inbox.getMessages().get(0).isSet(Flags.Flag.SEEN)).as("marked seen once processed").isTrue();
    assertThat(source.contentType()).isEqualTo("message/rfc822");
  }
}
