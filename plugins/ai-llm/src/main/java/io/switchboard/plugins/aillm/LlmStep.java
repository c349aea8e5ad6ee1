package io.switchboard.plugins.aillm;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.switchboard.api.Contact;
import io.switchboard.api.PluginContext;
import io.switchboard.api.Step;
import io.switchboard.api.StepExecution;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;

/**
 * One tenant's configured {@code ai.llm} step (see {@link LlmStepFactory} for the signal). Shared
 * by concurrent runs; its only state is what protects the model: the circuit breaker and the
 * worker threads.
 *
 * <p>A slow or dead model never stalls the pipeline:
 *
 * <ul>
 *   <li><b>Deadline.</b> The calls of one {@link #runBatch} share one deadline, {@code timeoutMs}
 *       after the batch started. A call still running then is cancelled (its thread interrupted)
 *       and falls back with {@code timeout}; one still queued never starts. LangChain4j's own
 *       connect and read timeouts are {@code timeoutMs} too, so a worker thread is free again soon
 *       after even if the HTTP client ignored the interrupt.
 *   <li><b>Concurrency.</b> Calls run on the step's own pool of at most {@code concurrency} (8)
 *       threads, so a batch of 64 against a hanging server takes about {@code timeoutMs}, not 64
 *       times it. Because the batch has {@code timeoutMs} in all, a healthy model answering in
 *       {@code L} ms gets about {@code concurrency * timeoutMs / L} calls of a batch through; the
 *       rest fall back with {@code timeout} (raise {@code concurrency} for large batches). Idle
 *       threads end after {@value #IDLE_SECONDS} s.
 *   <li><b>Circuit breaker.</b> One per step, that is per tenant workflow (Resilience4j,
 *       count-based over the last {@code max(minimumCalls, 20)} calls; errors and timeouts are
 *       failures). While it is open the step falls back with {@code circuit_open} at once, without
 *       a network call; after {@code openMs} it lets one trial call through.
 * </ul>
 *
 * <p>Fallback ({@code fallback}): {@code kb} answers with the {@code kb} signal's confident answer
 * when there is one, else as {@code template}; {@code template} renders {@code fallbackText}; with
 * neither the signal's text is empty and its source {@code none}. The step throws only for bugs
 * and when the hub interrupts it: a failing model is a fallback, not a failure of the step.
 */
final class LlmStep implements Step {

  static final String SIGNAL = "llm";
  static final int IDLE_SECONDS = 30;
  static final int MIN_SLIDING_WINDOW = 20;

  static final String CALLS = "ai.llm.calls";
  static final String FALLBACKS = "ai.llm.fallbacks";
  static final String LATENCY = "ai.llm.latency";

  private final LlmConfig config;
  private final PromptTemplate system;
  private final PromptTemplate prompt;
  private final PromptTemplate fallbackText;
  private final ChatClient client;
  private final PluginContext.Metrics metrics;
  private final Logger log;
  private final long timeoutNanos;
  private final CircuitBreaker breaker;
  private final ThreadPoolExecutor workers;

  LlmStep(LlmConfig config, PromptTemplate system, PromptTemplate prompt, PromptTemplate fallbackText,
      ChatClient client, PluginContext.Metrics metrics, Logger log) {
    this.config = config;
    this.system = system;
    this.prompt = prompt;
    this.fallbackText = fallbackText;
    this.client = client;
    this.metrics = metrics;
    this.log = log;
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(config.timeoutMs());
    this.breaker = breaker(config);
    this.workers = new ThreadPoolExecutor(config.concurrency(), config.concurrency(), IDLE_SECONDS, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), threads());
    this.workers.allowCoreThreadTimeOut(true);
  }

  private CircuitBreaker breaker(LlmConfig config) {
    LlmConfig.CircuitBreaker cb = config.circuitBreaker();
    CircuitBreaker b = CircuitBreaker.of(LlmStepFactory.NAME, CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(Math.max(cb.minimumCalls(), MIN_SLIDING_WINDOW))
        .minimumNumberOfCalls(cb.minimumCalls())
        .failureRateThreshold(cb.failureRateThreshold().floatValue())
        .waitDurationInOpenState(Duration.ofMillis(cb.openMs()))
        .permittedNumberOfCallsInHalfOpenState(1)
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .build());
    b.getEventPublisher().onStateTransition(e -> log.warn("ai.llm circuit breaker for model {} at {}: {} -> {}",
        config.model(), config.baseUrl(), e.getStateTransition().getFromState(), e.getStateTransition().getToState()));
    return b;
  }

  /** Daemon threads with the plugin's class loader as context class loader, like the hub's calls. */
  private static ThreadFactory threads() {
    ClassLoader plugin = LlmStep.class.getClassLoader();
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "ai-llm-" + n.incrementAndGet());
      t.setDaemon(true);
      t.setContextClassLoader(plugin);
      return t;
    };
  }

  CircuitBreaker.State breakerState() {
    return breaker.getState();
  }

  @Override
  public void run(StepExecution execution) throws InterruptedException {
    runBatch(List.of(execution));
  }

  /**
   * Starts every call of the batch at once (up to {@code concurrency} running), then collects
   * each by the batch's deadline. Executions are read and written on the calling thread only.
   */
  @Override
  public void runBatch(List<? extends StepExecution> executions) throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + timeoutNanos;
    List<Pending> pending = new ArrayList<>(executions.size());
    try {
      for (StepExecution e : executions) {
        Map<String, String> values = values(e);
        Pending p = new Pending(e, values, KbSignal.from(e.signals().get(KbSignal.NAME)));
        pending.add(p);
        if (breaker.tryAcquirePermission()) {
          p.call = new Call(system.render(values), prompt.render(values));
          p.future = workers.submit(p.call);
        } else {
          p.reason = "circuit_open";
        }
      }
      for (Pending p : pending) {
        await(p, deadline, started, pending);
      }
      for (Pending p : pending) {
        p.execution.putSignal(SIGNAL, p.text != null ? signal(p.text, "llm", p.elapsedNanos, null)
            : fallback(p, p.reason, started));
      }
    } finally {
      // Interrupted by the hub (or a bug): nothing of this batch may keep running or hold the breaker.
      expire(pending, started, new CancellationException("step interrupted"));
    }
  }

  /** Waits for one call until the deadline and settles it; past the deadline, expires the whole batch. */
  private void await(Pending p, long deadline, long started, List<Pending> batch) throws InterruptedException {
    if (p.call == null || p.settled) {
      return;
    }
    try {
      String text = p.future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      p.settled = true;
      p.elapsedNanos = System.nanoTime() - started;
      p.text = text.strip();
      breaker.onSuccess(p.elapsedNanos, TimeUnit.NANOSECONDS);
      record("success", p.elapsedNanos);
    } catch (TimeoutException e) {
      expire(batch, started, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Error err) {
        throw err;
      }
      settle(p, System.nanoTime() - started, cause);
    }
  }

  /**
   * Ends every unsettled call of the batch: first those still queued, which never start (so that a
   * worker freed by a cancellation does not pick one up), then the running ones, interrupted.
   */
  private void expire(List<Pending> batch, long started, Throwable why) {
    for (Pending p : batch) {
      if (p.call != null && !p.settled && p.call.abandon()) {
        p.settled = true;
        p.reason = reason(why);
        p.future.cancel(false);
        breaker.releasePermission();
      }
    }
    for (Pending p : batch) {
      if (p.call != null && !p.settled) {
        p.future.cancel(true);
        settle(p, System.nanoTime() - started, why);
      }
    }
  }

  /** Records a started call that failed, with the breaker and the metrics. */
  private void settle(Pending p, long elapsed, Throwable failure) {
    p.settled = true;
    p.reason = reason(failure);
    breaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
    record(p.reason.equals("timeout") ? "timeout" : "error", elapsed);
  }

  private void record(String outcome, long elapsedNanos) {
    Map<String, String> tags = Map.of("mode", config.mode(), "outcome", outcome);
    metrics.count(CALLS, 1, tags);
    metrics.time(LATENCY, Duration.ofNanos(elapsedNanos), tags);
  }

  /** The fallback signal for a call that did not answer, by the configured {@code fallback}. */
  private Map<String, Object> fallback(Pending p, String reason, long started) {
    String text = "";
    String source = "none";
    if (config.fallback().equals(LlmConfig.FALLBACK_KB) && p.kb.answer() != null) {
      text = p.kb.answer();
      source = "kb";
    } else if (!config.fallback().equals(LlmConfig.FALLBACK_NONE) && fallbackText != null) {
      text = fallbackText.render(p.values).strip();
      source = text.isEmpty() ? "none" : "template";
    }
    metrics.count(FALLBACKS, 1, Map.of("mode", config.mode(),
        "reason", reason.startsWith("error") ? "error" : reason, "source", source));
    log.debug("ai.llm fell back to {} ({})", source, reason);
    return signal(text, source, System.nanoTime() - started, reason);
  }

  private Map<String, Object> signal(String text, String source, long elapsedNanos, String fallbackReason) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", config.mode());
    m.put("text", text);
    m.put("source", source);
    m.put("model", config.model());
    m.put("latencyMs", TimeUnit.NANOSECONDS.toMillis(elapsedNanos));
    if (fallbackReason != null) {
      m.put("fallbackReason", fallbackReason);
    }
    return m;
  }

  /**
   * Why a call failed, for the signal and the metrics: {@code timeout}, {@code error: http <status>}
   * or {@code error: <exception class>}. Never the exception's message, which may quote the server's
   * answer (an OpenAI 401 quotes part of the key).
   */
  static String reason(Throwable failure) {
    Throwable root = failure;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof dev.langchain4j.exception.HttpException http) {
        return "error: http " + http.statusCode();
      }
      if (t instanceof TimeoutException || t instanceof HttpTimeoutException || t instanceof SocketTimeoutException
          || t instanceof dev.langchain4j.exception.TimeoutException) {
        return "timeout";
      }
      root = t;
    }
    return "error: " + root.getClass().getSimpleName();
  }

  /** The placeholder values for one interaction; what is unknown renders empty. */
  private static Map<String, String> values(StepExecution e) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("text", e.interaction().text());
    Contact contact = e.contact();
    v.put("contact.displayName", contact == null || contact.displayName() == null ? "" : contact.displayName());
    v.put("channel", e.interaction().channel());
    v.put("kb", KbSignal.from(e.signals().get(KbSignal.NAME)).promptText());
    v.put("intent", label(e.signals().get("intent"), "name"));
    v.put("sentiment", label(e.signals().get("sentiment"), "label"));
    return v;
  }

  /** A signal as a word: itself when a string, its {@code key} when a map (ai.intent's name, ai.sentiment's label). */
  private static String label(Object signal, String key) {
    if (signal instanceof Map<?, ?> m) {
      Object v = m.get(key);
      return v == null ? "" : String.valueOf(v);
    }
    return signal instanceof String s ? s : "";
  }

  /** The model's text was empty: nothing to suggest, so the fallback answers. */
  static final class EmptyReplyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EmptyReplyException() {
      super("the model answered with no text", null, false, false);
    }
  }

  /** One interaction of a batch on its way through the step; touched by the calling thread only. */
  private static final class Pending {
    final StepExecution execution;
    final Map<String, String> values;
    final KbSignal kb;
    Call call;
    Future<String> future;
    boolean settled;
    /** The model's text, when it answered; else why not. */
    String text;
    String reason;
    long elapsedNanos;

    Pending(StepExecution execution, Map<String, String> values, KbSignal kb) {
      this.execution = execution;
      this.values = values;
      this.kb = kb;
    }
  }

  /** One call to the model; runs at most once, and not at all once abandoned in the queue. */
  private final class Call implements java.util.concurrent.Callable<String> {
    private static final int QUEUED = 0;
    private static final int RUNNING = 1;
    private static final int ABANDONED = 2;

    private final String system;
    private final String user;
    private final AtomicInteger state = new AtomicInteger(QUEUED);

    Call(String system, String user) {
      this.system = system;
      this.user = user;
    }

    @Override
    public String call() throws Exception {
      if (!state.compareAndSet(QUEUED, RUNNING)) {
        throw new CancellationException("abandoned in the queue");
      }
      String text = client.chat(system, user);
      if (text == null || text.isBlank()) {
        throw new EmptyReplyException();
      }
      return text;
    }

    /** True if the call had not started and now never will. */
    boolean abandon() {
      return state.compareAndSet(QUEUED, ABANDONED);
    }
  }
}
