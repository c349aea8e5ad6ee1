package io.switchboard.plugins.email;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookRequest;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.TestPluginContext;
import io.switchboard.testkit.WebhookResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmailConnectorTest {

  static final String SECRET = "email-webhook-secret-123";

  private final TestPluginContext context = new TestPluginContext("email");
  private final ConnectorTester tester = ConnectorTester.builder(new EmailConnector(context))
      .value("addresses", List.of("support@acme.example", "help@acme.example"))
      .secret("webhookSecret", SECRET)
      .build();

  static WebhookRequest signed(String url, String raw, long t) {
    byte[] body = raw.getBytes(StandardCharsets.UTF_8);
    return ConnectorTester.raw(url, "message/rfc822", raw,
        EmailSignature.HEADER, EmailSignature.header(SECRET, t, body));
  }

  private WebhookResult post(String raw) {
    return tester.post("inbound", signed(tester.url("inbound"), raw, Instant.now().getEpochSecond()));
  }

  static String headers(String extra) {
    return "From: Ann Example <Ann@Customer.example>\r\n"
        + "To: Acme Support <support@acme.example>\r\n"
        + "Subject: =?UTF-8?Q?Where_is_my_order=3F?=\r\n"
        + "Date: Tue, 3 Jun 2025 10:00:00 +0000\r\n"
        + "Message-ID: <m1@customer.example>\r\n"
        + "MIME-Version: 1.0\r\n" + extra;
  }

  @Test
  void plainText() {
    WebhookResult r = post(headers("Content-Type: text/plain; charset=UTF-8\r\n\r\nHello,\r\nmy order is late.\r\n"));
    InboundMessage m = r.single();
    assertThat(r.status()).isEqualTo(200);
    assertThat(m.channel()).isEqualTo("email");
    assertThat(m.providerMessageId()).isEqualTo("<m1@customer.example>");
    assertThat(m.from()).isEqualTo("ann@customer.example");
    assertThat(m.to()).isEqualTo("support@acme.example");
    assertThat(m.text()).isEqualTo("Hello,\nmy order is late.");
    assertThat(m.attributes()).containsEntry("fromName", "Ann Example").containsEntry("subject", "Where is my order?")
        .containsEntry("sentAt", "2025-06-03T10:00:00Z").doesNotContainKeys("quoted", "attachments", "inReplyTo");
    assertThat(context.metrics().counter("email.messages.parsed")).isEqualTo(1.0);
  }

  @Test
  void htmlOnlyIsConvertedToText() {
    String html = "<html><head><style>p{color:red}</style></head><body><p>Hello&nbsp;there,</p>"
        + "<p>Order <b>#42</b> &amp; &lt;more&gt; &#8364;5</p><ul><li>one</li><li>two</li></ul>Bye<br>Ann</body></html>";
    InboundMessage m = post(headers("Content-Type: text/html; charset=UTF-8\r\n\r\n" + html)).single();
    assertThat(m.text()).isEqualTo("Hello there,\n\nOrder #42 & <more> \u20ac5\n\n- one\n- two\n\nBye\nAnn");
  }

  @Test
  void multipartAlternativePrefersThePlainPart() {
    String raw = headers("Content-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n"
        + "--b1\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + "Caf=E9 tomorrow?\r\n"
        + "--b1\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<p>HTML version</p>\r\n--b1--\r\n");
    assertThat(post(raw).single().text()).isEqualTo("Caf\u00e9 tomorrow?");
  }

  @Test
  void replyKeepsThreadingAndCutsQuotedHistory() {
    String raw = headers("In-Reply-To: <sb.abc@acme.example>\r\n"
        + "References: <first@customer.example>\r\n <sb.abc@acme.example>\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
        + "Yes, that works for me.\r\n\r\nOn Mon, 2 Jun 2025 at 09:00, Acme Support <support@acme.example>\r\nwrote:\r\n"
        + "> Would Tuesday suit you?\r\n> Acme\r\n");
    InboundMessage m = post(raw).single();
    assertThat(m.text()).isEqualTo("Yes, that works for me.");
    assertThat(m.attributes()).containsEntry("inReplyTo", "<sb.abc@acme.example>")
        .containsEntry("references", "<first@customer.example> <sb.abc@acme.example>");
    assertThat(m.attributes().get("quoted")).startsWith("On Mon, 2 Jun 2025").contains("> Would Tuesday suit you?");
  }

  @Test
  void htmlReplyCutsTheBlockquote() {
    String html = "<div>Thanks!</div><div class=\"gmail_quote\">On Mon, Jun 2, 2025 Acme wrote:"
        + "<blockquote><p>Your ticket is open.</p></blockquote></div>";
    InboundMessage m = post(headers("Content-Type: text/html\r\n\r\n" + html)).single();
    assertThat(m.text()).isEqualTo("Thanks!");
    assertThat(m.attributes().get("quoted")).contains("wrote:", "> Your ticket is open.");
  }

  @Test
  void attachmentsAreMetadataOnly() {
    String raw = headers("Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n"
        + "--mix\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        + "--mix\r\nContent-Type: application/pdf; name=\"invoice.pdf\"\r\n"
        + "Content-Disposition: attachment; filename=\"invoice.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + "SGVsbG8gUERG\r\n"
        + "--mix\r\nContent-Type: image/png\r\nContent-Disposition: inline; filename=\"a \\\"b\\\".png\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\niVBORw==\r\n--mix--\r\n");
    InboundMessage m = post(raw).single();
    assertThat(m.text()).isEqualTo("See attached.");
    assertThat(m.media()).isEmpty();
    assertThat(m.attributes().get("attachments")).isEqualTo(
        "[{\"filename\": \"invoice.pdf\", \"contentType\": \"application/pdf\", \"size\": 9}, "
            + "{\"filename\": \"a \\\"b\\\".png\", \"contentType\": \"image/png\", \"size\": 4}]");
  }

  @Test
  void missingMessageIdIs400() {
    WebhookResult r = post("From: a@customer.example\r\nTo: support@acme.example\r\nSubject: x\r\n\r\nhi\r\n");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("missing_header");
    assertThat(r.message()).contains("Message-ID");
  }

  @Test
  void malformedMimeIs400() {
    WebhookResult r = post(headers("Content-Type: multipart/mixed\r\n\r\nno boundary here\r\n"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("malformed_mime");
    WebhookResult empty = post("");
    assertThat(empty.status()).isEqualTo(400);
  }

  @Test
  void wrongContentTypeIs400() {
    String raw = headers("Content-Type: text/plain\r\n\r\nhi\r\n");
    byte[] body = raw.getBytes(StandardCharsets.UTF_8);
    WebhookResult r = tester.post("inbound", ConnectorTester.raw(tester.url("inbound"), "application/json", raw,
        EmailSignature.HEADER, EmailSignature.header(SECRET, Instant.now().getEpochSecond(), body)));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("unsupported_media_type");
  }

  @Test
  void badSignatureIs403AndMissingIs401() {
    String raw = headers("Content-Type: text/plain\r\n\r\nhi\r\n");
    long now = Instant.now().getEpochSecond();
    WebhookResult wrong = tester.post("inbound", ConnectorTester.raw(tester.url("inbound"), "message/rfc822", raw,
        EmailSignature.HEADER, EmailSignature.header("another-secret-456", now, raw.getBytes(StandardCharsets.UTF_8))));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.code()).isEqualTo("invalid_signature");
    WebhookResult garbage = tester.post("inbound", ConnectorTester.raw(tester.url("inbound"), "message/rfc822", raw,
        EmailSignature.HEADER, "sha256=abc"));
    assertThat(garbage.status()).isEqualTo(403);
    WebhookResult missing = tester.post("inbound", ConnectorTester.raw(tester.url("inbound"), "message/rfc822", raw));
    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.code()).isEqualTo("missing_signature");
  }

  @Test
  void expiredTimestampIs403() {
    String raw = headers("Content-Type: text/plain\r\n\r\nhi\r\n");
    WebhookResult r = tester.post("inbound", signed(tester.url("inbound"), raw, Instant.now().getEpochSecond() - 301));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.code()).isEqualTo("expired_signature");
    WebhookResult within = tester.post("inbound", signed(tester.url("inbound"), raw, Instant.now().getEpochSecond() - 200));
    assertThat(within.status()).isEqualTo(200);
  }

  @Test
  void addressNotConfiguredIs404() {
    String raw = headers("Content-Type: text/plain\r\n\r\nhi\r\n").replace("To: Acme Support <support@acme.example>",
        "To: sales@acme.example");
    WebhookResult r = post(raw);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.code()).isEqualTo("channel_not_configured");
    assertThat(r.message()).contains("sales@acme.example", "channels.email.addresses");
  }

  @Test
  void ccToAConfiguredAddressIsAccepted() {
    String raw = headers("Cc: HELP@acme.example\r\nContent-Type: text/plain\r\n\r\nhi\r\n")
        .replace("To: Acme Support <support@acme.example>", "To: someone@else.example");
    assertThat(post(raw).single().to()).isEqualTo("help@acme.example");
  }

  @Test
  void simulateRoundTrips() {
    WebhookResult r = tester.simulate("inbound", "bob@customer.example", "Hi there\nsecond line");
    InboundMessage m = r.single();
    assertThat(m.from()).isEqualTo("bob@customer.example");
    assertThat(m.to()).isEqualTo("support@acme.example");
    assertThat(m.text()).isEqualTo("Hi there\nsecond line");
    assertThat(m.providerMessageId()).startsWith("<sim.").endsWith("@customer.example>");
    assertThat(r.queued()).hasSize(1);
  }
}
