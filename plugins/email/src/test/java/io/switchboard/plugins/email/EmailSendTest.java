package io.switchboard.plugins.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.OutboundMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.testkit.TestPluginContext;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmailSendTest {

  private GreenMail smtp;
  private final EmailConnector connector = new EmailConnector(new TestPluginContext("email"));

  @BeforeEach
  void start() {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.setUser("support@acme.example", "smtp-login", "smtp-password-123");
    smtp.start();
  }

  @AfterEach
  void stop() {
    smtp.stop();
  }

  private ChannelSettings settings(String password) {
    return new ChannelSettings("acme", Map.of("smtpHost", "127.0.0.1", "smtpPort", String.valueOf(smtp.getSmtp().getPort()),
        "smtpStartTls", "false", "fromAddress", "support@acme.example", "fromName", "Acme Support",
        "addresses", List.of("support@acme.example")),
        Map.of("smtpUser", "smtp-login", "smtpPassword", password, "webhookSecret", "x"));
  }

  @Test
  void aReplyArrivesThreaded() throws Exception {
    OutboundMessage reply = new OutboundMessage("email", "ann@customer.example", null, "Your order ships today.", List.of(),
        "action-1", Map.of("subject", "Where is my order?", "inReplyToMessageId", "<m1@customer.example>",
            "references", "<m0@customer.example>"));
    OutboundMessage.Sent sent = connector.send(reply, settings("smtp-password-123"));

    assertThat(smtp.waitForIncomingEmail(5000, 1)).isTrue();
    MimeMessage got = smtp.getReceivedMessages()[0];
    assertThat(sent.providerMessageId()).startsWith("<sb.").endsWith("@acme.example>");
    assertThat(got.getMessageID()).isEqualTo(sent.providerMessageId());
    assertThat(got.getSubject()).isEqualTo("Re: Where is my order?");
    assertThat(got.getHeader("In-Reply-To")[0]).isEqualTo("<m1@customer.example>");
    assertThat(got.getHeader("References")[0]).isEqualTo("<m0@customer.example> <m1@customer.example>");
    InternetAddress from = (InternetAddress) got.getFrom()[0];
    assertThat(from.getAddress()).isEqualTo("support@acme.example");
    assertThat(from.getPersonal()).isEqualTo("Acme Support");
    assertThat(got.getAllRecipients()[0].toString()).isEqualTo("ann@customer.example");
    assertThat(String.valueOf(got.getContent()).strip()).isEqualTo("Your order ships today.");
    // Retries of one send carry the same Message-ID.
    assertThat(connector.send(reply, settings("smtp-password-123")).providerMessageId()).isEqualTo(sent.providerMessageId());
  }

  @Test
  void noDoubleRe() throws Exception {
    connector.send(new OutboundMessage("email", "ann@customer.example", null, "ok", List.of(), "a2",
        Map.of("subject", "RE: hello", "inReplyToMessageId", "m1@customer.example")), settings("smtp-password-123"));
    assertThat(smtp.waitForIncomingEmail(5000, 1)).isTrue();
    MimeMessage got = smtp.getReceivedMessages()[0];
    assertThat(got.getSubject()).isEqualTo("RE: hello");
    assertThat(got.getHeader("In-Reply-To")[0]).isEqualTo("<m1@customer.example>");
  }

  @Test
  void wrongPasswordIsRefusedWithoutLeakingIt() {
    OutboundMessage m = new OutboundMessage("email", "ann@customer.example", null, "hi", List.of(), "a3", Map.of());
    assertThatThrownBy(() -> connector.send(m, settings("wrong-password-456")))
        .isInstanceOf(WebhookException.class)
        .satisfies(e -> assertThat(((WebhookException) e).code()).isEqualTo("smtp_auth_failed"))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-password-456"));
  }

  @Test
  void missingHostIsMisconfiguration() {
    OutboundMessage m = new OutboundMessage("email", "ann@customer.example", null, "hi", List.of(), "a4", Map.of());
    assertThatThrownBy(() -> connector.send(m, new ChannelSettings("acme", Map.of("fromAddress", "s@acme.example"), Map.of())))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("smtpHost");
  }
}
