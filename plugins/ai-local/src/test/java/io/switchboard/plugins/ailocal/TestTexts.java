package io.switchboard.plugins.ailocal;

import java.util.List;

/** Messages of varied length and script for the tokenizer and embedder checks. */
final class TestTexts {

  static final List<String> MESSAGES = List.of(
      "I want a refund",
      "Hi! My card still hasn't arrived after 2 weeks, what should I do?",
      "Where is my package??? It's been ages :(",
      "Can I change my PIN at an ATM?",
      "The exchange rate on my statement looks wrong - I was charged €12.50 instead of $10.",
      "Café, naïve, résumé, coöperate: ÀÉÎÕÜ",
      "I'd like to cancel my subscription, please.",
      "ok",
      "Why was my transfer declined?! I have enough money in my account and I need to pay the rent today,"
          + " this is the third time this month that something like this happens and I am really fed up with it.",
      "我的卡丢了，请帮我冻结",
      "Bonjour, je voudrais annuler ma commande",
      "Thanks so much 😀👍 you guys are great",
      "Ünïcödé test — “quotes” and ‘apostrophes’ … and dashes – here",
      "supercalifragilisticexpialidocious antidisestablishmentarianism",
      "[CLS] special [SEP] tokens [MASK] in text",
      "tabs\tand\nnewlines\r\nand\u00a0nbsp and zero\u200bwidth",
      "ΣΊΣΥΦΟΣ and İstanbul",
      "email me at someone@example.com or call +1 (555) 123-4567 #urgent");

  private TestTexts() {}
}
