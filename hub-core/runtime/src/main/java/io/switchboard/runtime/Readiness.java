package io.switchboard.runtime;

import io.switchboard.runtime.http.AdminApi;
import io.switchboard.runtime.http.ApiError;
import io.switchboard.runtime.http.ReadApi;
import io.switchboard.runtime.http.WebhookIngress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Whether the hub can serve: the HTTP server starts first and answers 503 until PostgreSQL, Kafka
 * and the plugins are up; then the services are published here in one step. Thread-safe.
 */
public final class Readiness {

  /** What the HTTP routes need once the hub is up. */
  public record Services(WebhookIngress ingress, ReadApi readApi, AdminApi adminApi,
      io.switchboard.runtime.http.WorkflowApi workflowApi, io.switchboard.runtime.http.ScoresApi scoresApi,
      io.switchboard.runtime.scheduling.JobScheduler scheduler, io.switchboard.runtime.kb.KnowledgeApi knowledgeApi,
      io.switchboard.runtime.subscriptions.Subscriptions subscriptions, io.switchboard.runtime.chat.WebChat webChat) {}

  private final Map<String, BooleanSupplier> checks = new LinkedHashMap<>();
  private final Map<String, java.util.function.Supplier<?>> details = new LinkedHashMap<>();
  private volatile Services services;
  private volatile String failure;

  public synchronized void register(String component, BooleanSupplier healthy) {
    checks.put(component, healthy);
  }

  /** Extra facts shown by /health that do not decide readiness (a plugin that failed to start). */
  public synchronized void details(String name, java.util.function.Supplier<?> value) {
    details.put(name, value);
  }

  /** The extra facts, evaluated now. */
  public synchronized Map<String, Object> details() {
    Map<String, Object> out = new LinkedHashMap<>();
    details.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  void publish(Services s) {
    this.services = s;
  }

  void fail(String reason) {
    this.failure = reason;
  }

  /** The services, or a 503 the caller can pass straight to the client. */
  public Services services() {
    Services s = services;
    if (s == null) {
      throw ApiError.unavailable("not_ready", failure == null
          ? "the hub is starting; retry in a few seconds"
          : "the hub failed to start: " + failure, 5);
    }
    return s;
  }

  public boolean isReady() {
    return services != null && components().values().stream().allMatch("UP"::equals);
  }

  /** Each component's state: UP, DOWN or STARTING. */
  public synchronized Map<String, String> components() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String c : new String[] {"postgres", "kafka", "plugins", "pipeline"}) {
      BooleanSupplier check = checks.get(c);
      out.put(c, check == null ? (failure == null ? "STARTING" : "DOWN") : check.getAsBoolean() ? "UP" : "DOWN");
    }
    return out;
  }
}
