package io.switchboard.testkit;

/**
 * A step configuration the hub would refuse: it does not bind to the step's config type, or the
 * factory's {@code create} rejected it. The message names the step and, when known, the field.
 *
 * <p>The hub's own {@link io.switchboard.pluginloader.StepConfigException}, under the kit's package
 * so that plugin tests need only the kit's names; {@link StepTester} throws this one.
 */
public class StepConfigException extends io.switchboard.pluginloader.StepConfigException {

  private static final long serialVersionUID = 1L;

  public StepConfigException(String step, String field, String message, Throwable cause) {
    super(step, field, message, cause);
  }

  /** The kit's exception for the hub's, with the same step, field, problem and cause. */
  static StepConfigException of(io.switchboard.pluginloader.StepConfigException e) {
    if (e instanceof StepConfigException kits) {
      return kits;
    }
    StepConfigException kits = new StepConfigException(e.step(), e.field(), e.problem(), e.getCause());
    kits.setStackTrace(e.getStackTrace());
    return kits;
  }
}
