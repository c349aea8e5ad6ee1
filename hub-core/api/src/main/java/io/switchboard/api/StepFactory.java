package io.switchboard.api;

import org.pf4j.ExtensionPoint;

/**
 * A named workflow step a plugin contributes, such as {@code ai.sentiment} or
 * {@code crm.hubspot.task}. Tenants use it by name in their workflow and configure it with an
 * object of {@link #configType()}, which the hub binds strictly from the tenant file (unknown
 * fields are errors) and from which it generates the step's JSON Schema.
 *
 * <p>Threading: {@link #create} is called once per tenant each time its workflow is loaded; the
 * {@link Step} it returns is then called concurrently for many interactions.
 *
 * @param <C> the step's configuration type: a record or bean Jackson can bind; use
 *     {@link Void} for steps without configuration
 */
public interface StepFactory<C> extends ExtensionPoint {

  /** The step's name in workflows: lower-case, dot-separated, e.g. {@code ai.sentiment}. */
  String name();

  /** The configuration type; the hub binds and validates the tenant's settings to it. */
  Class<C> configType();

  /**
   * Creates the step for one tenant's configuration.
   *
   * @param config the bound configuration; null only when {@link #configType()} is {@link Void}
   * @throws IllegalArgumentException when the configuration is unusable, with a message saying
   *     which field and why; the hub reports it against the tenant file
   */
  Step create(C config);
}
