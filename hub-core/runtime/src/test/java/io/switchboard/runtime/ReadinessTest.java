package io.switchboard.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.switchboard.runtime.http.ApiError;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadinessTest {

  @Test
  void notReadyUntilEveryComponentIsUpAndTheServicesArePublished() {
    Readiness r = new Readiness();
    assertThat(r.isReady()).isFalse();
    assertThat(r.components()).containsValues("STARTING").doesNotContainValue("UP");
    ApiError e = catchThrowableOfType(ApiError.class, r::services);
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.code()).isEqualTo("not_ready");
    assertThat(e.retryAfterSeconds()).isEqualTo(5);

    AtomicBoolean kafka = new AtomicBoolean(true);
    r.register("postgres", () -> true);
    r.register("kafka", kafka::get);
    r.register("plugins", () -> true);
    r.register("pipeline", () -> true);
    assertThat(r.isReady()).as("components up, services not yet published").isFalse();
    r.publish(new Readiness.Services(null, null, null, null, null, null, null, null, null));
    assertThat(r.isReady()).isTrue();

    kafka.set(false);
    assertThat(r.isReady()).isFalse();
    assertThat(r.components()).containsEntry("kafka", "DOWN");
  }

  @Test
  void aFailedStartIsReported() {
    Readiness r = new Readiness();
    r.fail("PostgreSQL did not start");
    assertThat(r.components()).containsEntry("postgres", "DOWN");
    assertThat(catchThrowableOfType(ApiError.class, r::services).getMessage()).contains("PostgreSQL did not start");
  }
}
