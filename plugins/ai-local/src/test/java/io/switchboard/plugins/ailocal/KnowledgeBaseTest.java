package io.switchboard.plugins.ailocal;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.KnowledgeDocument;
import io.switchboard.api.Passage;
import io.switchboard.testkit.TestPluginContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The plugin's KnowledgeIndex on the real BGE-small model. */
class KnowledgeBaseTest {

  static final String FAQ = """
      question,answer
      How do I reset my password?,Choose Forgot password on the sign-in page and follow the emailed link.
      Where is my parcel?,Use the tracking link in your shipping email.
      How do I get a refund?,Return the item within 30 days; we refund within five working days.
      When am I charged?,Your card is charged on the same day every month.
      """;

  private final KnowledgeBase kb = new KnowledgeBase(new TestPluginContext("ai-local"));

  @AfterEach
  void clean() {
    for (String tenant : List.of("t-a", "t-b", "t-c")) {
      kb.delete(tenant, "faq");
      kb.delete(tenant, "guide");
      kb.delete(tenant, "other");
    }
  }

  @Test
  void findsThePasswordPassageFirst() {
    kb.upsert("t-a", new KnowledgeDocument("faq", "FAQ", "faq.csv", FAQ));

    List<Passage> found = kb.search("t-a", "how do I reset my password", 3);

    assertThat(found).hasSize(3);
    assertThat(found.get(0).title()).isEqualTo("How do I reset my password?");
    assertThat(found.get(0).text()).startsWith("Choose Forgot password");
    assertThat(found.get(0).documentId()).isEqualTo("faq");
    assertThat(found.get(0).source()).isEqualTo("faq.csv");
    assertThat(found.get(0).score()).isGreaterThan(0.8).isGreaterThan(found.get(1).score());
    assertThat(found.get(1).score()).isGreaterThanOrEqualTo(found.get(2).score());
    assertThat(kb.search("t-a", "my package never came", 1).get(0).title()).isEqualTo("Where is my parcel?");
    assertThat(kb.search("t-a", "  ", 3)).isEmpty();
  }

  @Test
  void anotherTenantsDocumentsNeverAppear() {
    kb.upsert("t-a", new KnowledgeDocument("faq", "FAQ", "faq.csv", FAQ));
    kb.upsert("t-b", new KnowledgeDocument("other", "Opening hours", "hours.md",
        "# Opening hours\n\nOur shop is open from 9 to 5, Monday to Friday."));

    assertThat(kb.search("t-b", "how do I reset my password", 10)).extracting(Passage::documentId).containsOnly("other");
    assertThat(kb.search("t-a", "when is the shop open", 10)).extracting(Passage::documentId).containsOnly("faq");
    assertThat(kb.search("t-c", "how do I reset my password", 10)).isEmpty();
  }

  @Test
  void anUpsertReplacesTheDocumentAndADeleteRemovesIt() {
    kb.upsert("t-a", new KnowledgeDocument("guide", "Guide", "guide.md", "# Passwords\n\nReset it from the sign-in page."));
    kb.upsert("t-a", new KnowledgeDocument("guide", "Guide", "guide.md", "# Delivery\n\nParcels ship the same day."));

    List<Passage> found = kb.search("t-a", "reset password", 10);
    assertThat(found).hasSize(1);
    assertThat(found.get(0).text()).isEqualTo("Parcels ship the same day.");

    kb.delete("t-a", "guide");
    assertThat(kb.search("t-a", "reset password", 10)).isEmpty();
    kb.delete("t-a", "guide"); // again: a no-op
  }

  @Test
  void searchesRunWhileDocumentsAreUpserted() throws Exception {
    kb.upsert("t-a", new KnowledgeDocument("faq", "FAQ", "faq.csv", FAQ));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> writer = pool.submit(() -> {
        for (int i = 0; i < 20; i++) {
          kb.upsert("t-a", new KnowledgeDocument("guide", "Guide " + i, "", "Version " + i + " of the guide."));
        }
      });
      List<Future<List<Passage>>> reads = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        reads.add(pool.submit(() -> kb.search("t-a", "how do I reset my password", 2)));
      }
      writer.get();
      for (Future<List<Passage>> r : reads) {
        assertThat(r.get().get(0).title()).isEqualTo("How do I reset my password?");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(kb.search("t-a", "version of the guide", 5)).filteredOn(p -> p.documentId().equals("guide"))
        .extracting(Passage::title).containsExactly("Guide 19");
  }
}
