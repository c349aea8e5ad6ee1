package io.switchboard.runtime.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a request body exactly as it was sent, up to a limit. Webhook routes need the raw bytes
 * (providers sign them), but platform-http parses form bodies into fields and drops the bytes, so
 * those routes run with {@code useBodyHandler=false} and read the paused request here.
 */
final class RawBody {

  private RawBody() {}

  /**
   * @throws ApiError 413 when the body exceeds {@code limit} bytes, 400 when the client stops
   *     sending or the connection fails
   */
  static byte[] read(HttpServerRequest request, int limit, long timeoutMillis) {
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    Buffer body = Buffer.buffer();
    long[] received = {0};
    request.handler(chunk -> {
      received[0] += chunk.length();
      // Past the limit keep draining the connection but stop keeping the bytes.
      if (received[0] <= limit) {
        body.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(done::completeExceptionally);
    request.endHandler(v -> done.complete(received[0] <= limit ? body.getBytes() : null));
    request.resume();
    try {
      byte[] bytes = done.get(timeoutMillis, TimeUnit.MILLISECONDS);
      if (bytes == null) {
        throw new ApiError(413, "payload_too_large",
            "the body is " + received[0] + " bytes; webhooks accept at most " + limit);
      }
      return bytes;
    } catch (TimeoutException e) {
      throw ApiError.badRequest("body_timeout", "the request body did not arrive within " + timeoutMillis + " ms");
    } catch (ExecutionException e) {
      throw ApiError.badRequest("body_unreadable", "the request body could not be read: " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiError.unavailable("shutting_down", "the hub is stopping; retry", 5);
    }
  }
}
