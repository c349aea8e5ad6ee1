package io.switchboard.bench;

import io.switchboard.runtime.TwilioSigner;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inbound SMS webhooks as Twilio posts them: the same form fields in the same order as a real
 * Twilio request, a unique MessageSid each time, senders drawn from a fixed pool (so contacts and
 * conversations are both created and reused), signed with the tenant's auth token over the exact
 * URL that is called. Thread-safe.
 */
final class SmsRequests implements LoadGenerator.Requests {

  /** A mix of tones, so the sentiment step has real work; none is long. */
  private static final String[] BODIES = {
      "Hi, where is my order? It was supposed to arrive yesterday.",
      "Thanks a lot, the new plan is great!",
      "I love how fast you fixed this, thank you!",
      "This is the third time my delivery is late. Very disappointed.",
      "Can I change my appointment to Thursday at 3pm?",
      "STOP",
      "My card was charged twice, please refund one of the payments.",
      "ok sounds good",
      "The app keeps crashing when I open the billing page, terrible experience.",
      "Do you have the blue one in size 10?",
  };

  private final String url;
  private final URI uri;
  private final String authToken;
  private final String to;
  private final int senders;
  private final String runPrefix;
  private final AtomicLong seq = new AtomicLong();

  /**
   * @param url the exact URL to post to, which is also the URL that is signed
   * @param authToken the tenant's Twilio auth token; null leaves the request unsigned
   * @param to the tenant's Twilio number the SMS is addressed to
   * @param senders how many distinct sender numbers to cycle through
   */
  SmsRequests(String url, String authToken, String to, int senders) {
    this.url = url;
    this.uri = URI.create(url);
    this.authToken = authToken;
    this.to = to;
    this.senders = Math.max(1, senders);
    this.runPrefix = String.format("%08x", ThreadLocalRandom.current().nextInt());
  }

  @Override
  public HttpRequest next() {
    long n = seq.incrementAndGet();
    String sid = String.format("SM%s%024x", runPrefix, n);
    String from = "+1555" + (2_000_000 + (n % senders));
    Map<String, String> form = TwilioSigner.inboundSms(sid, from, to, BODIES[(int) (n % BODIES.length)]);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("User-Agent", "TwilioProxy/1.1")
        .POST(HttpRequest.BodyPublishers.ofString(TwilioSigner.formBody(form), StandardCharsets.UTF_8));
    if (authToken != null) {
      b.header("X-Twilio-Signature", TwilioSigner.sign(authToken, url, form));
    }
    return b.build();
  }
}
