package io.switchboard.pluginloader;

/**
 * A step configuration the hub refuses: it does not bind to the step's config type, or the factory's
 * {@code create} rejected it. The message names the step and, when known, the field.
 */
public class StepConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String step;
  private final String field;
  private final String problem;

  /**
   * @param field the offending field's path, or null when the problem is not one field's
   * @param problem what is wrong, without the step's name (the message adds it)
   */
  public StepConfigException(String step, String field, String problem, Throwable cause) {
    super("step '" + step + "': " + problem, cause);
    this.step = step;
    this.field = field;
    this.problem = problem;
  }

  /** The step's name, e.g. {@code example.keywords}. */
  public String step() {
    return step;
  }

  /** The offending field as a path ({@code keywords}, {@code rules[2].match}), or null when not one field. */
  public String field() {
    return field;
  }

  /** What is wrong, without the step's name: for callers that already say which step it is. */
  public String problem() {
    return problem;
  }
}
