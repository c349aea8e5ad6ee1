package io.switchboard.bench;

import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop load: {@code concurrency} platform threads, each sending one request at a time with
 * the JDK's {@link HttpClient} (HTTP/1.1, keep-alive) and sending the next as soon as the answer is
 * read, so exactly {@code concurrency} requests are in flight. Requests started during the warm-up
 * are sent but not counted; requests started in the measured window are counted even if they
 * finish after it. Latency is from just before {@code send} to the fully read response body, for
 * every request that got an HTTP answer (whatever the status); requests that failed without one
 * are counted as errors and not in the histogram.
 *
 * <p>Closed loop means no correction for coordinated omission: when the server slows down, the
 * load slows down with it. The latencies are those of a fixed number of concurrent clients, not of
 * a fixed arrival rate.
 */
final class LoadGenerator {

  /** Builds the next request; called concurrently by every load thread. */
  interface Requests {
    HttpRequest next();
  }

  /** Called by the coordinating thread when the measured window opens and closes. */
  interface WindowListener {
    void opened();

    void closed();
  }

  /** Longest latency the histograms track (longer ones are clamped): twice the request timeout. */
  private static final long MAX_TRACKED_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final int MAX_DISTINCT_OUTCOMES = 20;

  private final String name;
  private final int concurrency;
  private final Duration warmup;
  private final Duration duration;
  private final PrintStream out;

  LoadGenerator(String name, int concurrency, Duration warmup, Duration duration, PrintStream out) {
    this.name = name;
    this.concurrency = concurrency;
    this.warmup = warmup;
    this.duration = duration;
    this.out = out;
  }

  /** What one run produced. Counts without "total" are of the measured window only. */
  record Result(
      long requests, long ok, long non2xx, long errors,
      long totalRequests, long totalOk, long totalNon2xx, long totalErrors,
      double measuredSeconds, double loadSeconds, Histogram latencyNanos,
      Map<Integer, Long> statuses, Map<String, Long> outcomes) {

    double requestsPerSecond() {
      return measuredSeconds <= 0 ? 0 : requests / measuredSeconds;
    }
  }

  Result run(Requests requests, WindowListener listener) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    Shared shared = new Shared();
    long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
    shared.measureFrom = t0 + warmup.toNanos();
    shared.stopAt = shared.measureFrom + duration.toNanos();
    CountDownLatch done = new CountDownLatch(concurrency);
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Worker w = new Worker(http, requests, shared, t0, done);
      workers.add(w);
      Thread t = new Thread(w, "bench-load-" + name + "-" + i);
      t.setDaemon(true);
      t.start();
    }

    // The coordinator: opens and closes the window for the resource meter, prints progress.
    long lastPrint = t0;
    long lastCount = 0;
    boolean opened = false;
    boolean closed = false;
    while (!done.await(250, TimeUnit.MILLISECONDS)) {
      long now = System.nanoTime();
      if (!opened && now >= shared.measureFrom) {
        opened = true;
        listener.opened();
      }
      if (!closed && now >= shared.stopAt) {
        closed = true;
        listener.closed();
      }
      if (now - lastPrint >= TimeUnit.SECONDS.toNanos(5)) {
        long count = shared.completed.sum();
        double rate = (count - lastCount) / ((now - lastPrint) / 1e9);
        out.printf("  %-8s t=%3ds  %,8.0f req/s (last 5 s)  sent %,d  2xx %,d  non-2xx %,d  errors %,d%s%n",
            name, Math.round((now - t0) / 1e9), rate, count, shared.ok.sum(), shared.non2xx.sum(),
            shared.errors.sum(), now < shared.measureFrom ? "  (warm-up)" : "");
        lastPrint = now;
        lastCount = count;
      }
    }
    if (!opened) {
      listener.opened();
    }
    if (!closed) {
      listener.closed();
    }

    Histogram merged = new Histogram(MAX_TRACKED_NANOS, 3);
    long requestsCount = 0;
    long ok = 0;
    long non2xx = 0;
    long errors = 0;
    long lastCompletion = shared.stopAt;
    Map<Integer, Long> statuses = new TreeMap<>();
    for (Worker w : workers) {
      merged.add(w.histogram);
      requestsCount += w.requests;
      ok += w.ok;
      non2xx += w.non2xx;
      errors += w.errors;
      lastCompletion = Math.max(lastCompletion, w.lastCompletion);
      w.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
    }
    Map<String, Long> outcomes = new LinkedHashMap<>();
    shared.outcomes.forEach((k, v) -> outcomes.put(k, v.sum()));
    return new Result(requestsCount, ok, non2xx, errors,
        shared.completed.sum(), shared.ok.sum(), shared.non2xx.sum(), shared.errors.sum(),
        (lastCompletion - shared.measureFrom) / 1e9, (lastCompletion - t0) / 1e9, merged, statuses, outcomes);
  }

  /** What the load threads share: the window and running totals (warm-up included). */
  private static final class Shared {
    volatile long measureFrom;
    volatile long stopAt;
    final LongAdder completed = new LongAdder();
    final LongAdder ok = new LongAdder();
    final LongAdder non2xx = new LongAdder();
    final LongAdder errors = new LongAdder();
    /** Non-2xx answers and errors by kind, with a sample of what was answered. */
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    void outcome(String key) {
      LongAdder a = outcomes.get(key);
      if (a == null) {
        key = outcomes.size() >= MAX_DISTINCT_OUTCOMES ? "(other kinds not listed)" : key;
        a = outcomes.computeIfAbsent(key, k -> new LongAdder());
      }
      a.increment();
    }
  }

  private static final class Worker implements Runnable {
    private final HttpClient http;
    private final Requests factory;
    private final Shared shared;
    private final long startAt;
    private final CountDownLatch done;
    final Histogram histogram = new Histogram(MAX_TRACKED_NANOS, 3);
    final Map<Integer, Long> statuses = new TreeMap<>();
    long requests;
    long ok;
    long non2xx;
    long errors;
    long lastCompletion;

    Worker(HttpClient http, Requests requests, Shared shared, long startAt, CountDownLatch done) {
      this.http = http;
      this.factory = requests;
      this.shared = shared;
      this.startAt = startAt;
      this.done = done;
    }

    @Override
    public void run() {
      try {
        long wait = startAt - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        while (true) {
          HttpRequest request = factory.next();
          long start = System.nanoTime();
          if (start >= shared.stopAt) {
            break;
          }
          boolean measured = start >= shared.measureFrom;
          try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long end = System.nanoTime();
            int status = response.statusCode();
            boolean is2xx = status >= 200 && status < 300;
            shared.completed.increment();
            (is2xx ? shared.ok : shared.non2xx).increment();
            if (!is2xx) {
              shared.outcome("HTTP " + status + " " + abbreviate(response.body(), 160));
            }
            if (measured) {
              histogram.recordValue(Math.min(end - start, MAX_TRACKED_NANOS));
              requests++;
              statuses.merge(status, 1L, Long::sum);
              if (is2xx) {
                ok++;
              } else {
                non2xx++;
              }
              lastCompletion = end;
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          } catch (Exception e) {
            long end = System.nanoTime();
            shared.completed.increment();
            shared.errors.increment();
            shared.outcome("error " + e.getClass().getName() + ": " + abbreviate(String.valueOf(e.getMessage()), 160));
            if (measured) {
              requests++;
              errors++;
              lastCompletion = end;
            }
            // Do not spin on a refused connection; closed loop stays closed.
            TimeUnit.MILLISECONDS.sleep(10);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        done.countDown();
      }
    }
  }

  static String abbreviate(String s, int max) {
    if (s == null) {
      return "";
    }
    String one = s.replaceAll("\\s+", " ").trim();
    return one.length() <= max ? one : one.substring(0, max) + "...";
  }
}
