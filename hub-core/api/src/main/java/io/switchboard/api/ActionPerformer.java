package io.switchboard.api;

import java.util.Map;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * Performs workflow actions of a plugin's own types ({@code crm.hubspot.task}, {@code
 * stripe.checkout}): the outbound half of a connector that is not a reply. A step asks for the
 * action with {@link StepExecution#requestAction}; the hub stores it with the interaction and calls
 * {@link #perform} afterwards from its action threads, at least once, retrying with backoff.
 *
 * <p>Threading: one instance serves all tenants concurrently; it must be stateless or thread-safe.
 * It may block on the provider's API within {@link PluginContext#httpClient} timeouts.
 */
public interface ActionPerformer extends ExtensionPoint {

  /** The action types this performs, e.g. {@code crm.hubspot.task}. Never empty. */
  Set<String> types();

  /** The connector whose tenant settings ({@code channels.<id>}) {@link #perform} is given. */
  String connector();

  /**
   * Performs one action with the tenant's own credentials.
   *
   * @param type one of {@link #types()}
   * @param payload what the step asked for
   * @param idempotencyKey stable across the hub's retries of this action, for providers that honour one
   * @return what the provider answered (ids), stored with the action; JSON-serialisable
   * @throws WebhookException when the provider refuses: a 4xx other than 408/429 fails the action
   *     for good, anything else is retried
   */
  Map<String, Object> perform(String type, Map<String, Object> payload, String idempotencyKey,
      ChannelSettings settings) throws WebhookException;
}
