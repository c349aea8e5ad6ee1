package io.switchboard.plugins.email;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuotedReplyTest {

  @Test
  void cutsAtTheAttributionLine() {
    QuotedReply r = QuotedReply.split("Sure.\n\nOn Tue, 3 Jun 2025, Ann <a@b.example> wrote:\n> hi\n");
    assertThat(r.text()).isEqualTo("Sure.");
    assertThat(r.quoted()).isEqualTo("On Tue, 3 Jun 2025, Ann <a@b.example> wrote:\n> hi");
  }

  @Test
  void cutsAtQuotedLinesAndOutlookHeaders() {
    assertThat(QuotedReply.split("ok\n> earlier").text()).isEqualTo("ok");
    assertThat(QuotedReply.split("ok\n-----Original Message-----\nFrom: x").quoted()).startsWith("-----Original");
    assertThat(QuotedReply.split("no quote here\nOn the other hand").quoted()).isEmpty();
  }

  @Test
  void inlineReplyUnderALeadingQuote() {
    QuotedReply r = QuotedReply.split("> question?\nanswer\n");
    assertThat(r.text()).isEqualTo("answer");
    assertThat(r.quoted()).isEqualTo("> question?");
  }
}
