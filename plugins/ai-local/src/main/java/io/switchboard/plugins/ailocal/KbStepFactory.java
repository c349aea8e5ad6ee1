package io.switchboard.plugins.ailocal;

import io.switchboard.api.KnowledgeDocument;
import io.switchboard.api.Passage;
import io.switchboard.api.PluginContext;
import io.switchboard.api.Step;
import io.switchboard.api.StepExecution;
import io.switchboard.api.StepFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * The {@code ai.kb} step: the knowledge-base passages nearest to the interaction's text, as the
 * signal {@code kb}:
 *
 * <pre>{@code
 * kb:
 *   query: how do I reset my password
 *   passages:                   # at most topK, best first, none below minScore
 *     - {id: kb/demo/faq.csv, source: kb/demo/faq.csv, title: How do I reset my password?,
 *        text: Open Settings > Security ..., score: 0.9132}
 *   answer: Open Settings > Security ...   # only when the best passage scores >= answerThreshold
 * }</pre>
 *
 * <p>It searches two sets of passages and merges them by score: the step's own {@code sources}
 * (files under the plugin's {@code config-dir}, chunked and embedded once in {@link #create}, which
 * does not know the tenant, so they belong to this step instance) and the documents the hub has
 * upserted for the interaction's tenant into the plugin's {@link KnowledgeBase}. Scores are cosine
 * similarities of BGE-small embeddings (see {@code ai.intent} on what they mean), rounded to four
 * decimals. {@link Step#runBatch} embeds a batch's texts in one call. A blank text gets
 * {@code {query: "", passages: []}} without running the model. It only computes, so a dry run is
 * the same.
 */
@Extension
public class KbStepFactory implements StepFactory<KbConfig> {

  static final String NAME = "ai.kb";
  static final String SIGNAL = "kb";
  static final int MAX_TOP_K = 20;

  private static final Pattern MARKDOWN_TITLE = Pattern.compile("(?m)^ {0,3}#\\s+(.+?)\\s*#*\\s*$");

  private final PluginContext context;
  private final Logger log;

  /** The hub passes the plugin's context to a public constructor that takes one. */
  public KbStepFactory(PluginContext context) {
    this.context = context;
    this.log = context.logger(KbStepFactory.class);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<KbConfig> configType() {
    return KbConfig.class;
  }

  @Override
  public Step create(KbConfig config) {
    if (config.topK() < 1 || config.topK() > MAX_TOP_K) {
      throw new IllegalArgumentException("topK: must be between 1 and " + MAX_TOP_K + ", got " + config.topK());
    }
    cosine("minScore", config.minScore());
    cosine("answerThreshold", config.answerThreshold());
    BatchEmbedder embedder = PluginResources.get().embedder(context.configuration());
    long started = System.nanoTime();
    Path base = ConfigFiles.base(context);
    Set<Path> files = new LinkedHashSet<>();
    for (int i = 0; i < config.sources().size(); i++) {
      files.addAll(ConfigFiles.glob(context, config.sources().get(i), "sources[" + i + "]"));
    }
    List<Chunker.Chunk> chunks = new ArrayList<>();
    for (Path file : files) {
      chunks.addAll(Chunker.chunks(document(base, file)));
    }
    PassageIndex own = PassageIndex.EMPTY;
    if (!chunks.isEmpty()) {
      // one document holding every file's chunks: each chunk keeps its own file's id
      own = own.with("", chunks, TenantKnowledge.embed(chunks, embedder));
      log.info("Embedded {} passages of {} files in {} ms", chunks.size(), files.size(),
          (System.nanoTime() - started) / 1_000_000);
    }
    return new KbStep(embedder, own, PluginResources.get().knowledge(), config);
  }

  private static void cosine(String field, double v) {
    if (!(v >= -1 && v <= 1)) {
      throw new IllegalArgumentException(field + ": must be a cosine similarity in [-1, 1], got " + v);
    }
  }

  /** A source file as a document: its path relative to the config directory is its id and source. */
  private static KnowledgeDocument document(Path base, Path file) {
    Path abs = file.toAbsolutePath().normalize();
    String id = abs.startsWith(base.normalize()) ? base.normalize().relativize(abs).toString().replace('\\', '/')
        : abs.toString();
    String text = ExamplesCsv.readText(file, "sources");
    String title = file.getFileName().toString();
    Matcher m = MARKDOWN_TITLE.matcher(text);
    if (!id.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") && m.find()) {
      title = m.group(1).strip();
    }
    try {
      return new KnowledgeDocument(id, title, id, text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sources: " + e.getMessage(), e);
    }
  }

  /** One configured step; shared by concurrent runs. */
  static final class KbStep implements Step {

    private final BatchEmbedder embedder;
    private final PassageIndex own;
    private final TenantKnowledge shared;
    private final int topK;
    private final double minScore;
    private final double answerThreshold;

    KbStep(BatchEmbedder embedder, PassageIndex own, TenantKnowledge shared, KbConfig config) {
      this.embedder = embedder;
      this.own = own;
      this.shared = shared;
      this.topK = config.topK();
      this.minScore = config.minScore();
      this.answerThreshold = config.answerThreshold();
    }

    int ownPassages() {
      return own.passageCount();
    }

    @Override
    public void run(StepExecution execution) {
      runBatch(List.of(execution));
    }

    @Override
    public void runBatch(List<? extends StepExecution> executions) {
      TextBatch batch = TextBatch.of(executions, e -> e.putSignal(SIGNAL, signal(e.interaction().text(), List.of())));
      if (batch.isEmpty()) {
        return;
      }
      float[][] queries = embedder.embed(batch.texts());
      for (int i = 0; i < queries.length; i++) {
        StepExecution e = batch.executions().get(i);
        List<Passage> found = new ArrayList<>(own.search(queries[i], topK));
        found.addAll(shared.search(e.interaction().tenantId(), queries[i], topK));
        found.sort(Comparator.comparingDouble(Passage::score).reversed());
        List<Passage> kept = new ArrayList<>(topK);
        for (Passage p : found) {
          if (kept.size() == topK || p.score() < minScore) {
            break;
          }
          kept.add(p);
        }
        e.putSignal(SIGNAL, signal(batch.texts().get(i), kept));
      }
    }

    private Map<String, Object> signal(String query, List<Passage> passages) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("query", query);
      List<Map<String, Object>> list = new ArrayList<>(passages.size());
      for (Passage p : passages) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("id", p.documentId());
        one.put("source", p.source());
        one.put("title", p.title());
        one.put("text", p.text());
        one.put("score", SentimentStepFactory.round4(p.score()));
        list.add(one);
      }
      m.put("passages", list);
      if (!passages.isEmpty() && passages.get(0).score() >= answerThreshold) {
        m.put("answer", passages.get(0).text());
      }
      return m;
    }
  }
}
