package io.switchboard.runtime.tenant;

import java.util.List;
import java.util.stream.Collectors;

/** A tenant file (or several) the hub refuses; the message lists every problem, one per line. */
public class TenantConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final transient List<ConfigProblem> problems;

  public TenantConfigException(String message) {
    this(List.of(new ConfigProblem(null, 0, 0, "", message)));
  }

  public TenantConfigException(List<ConfigProblem> problems) {
    super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, each with its file, line, column and field path. */
  public List<ConfigProblem> problems() {
    return problems;
  }
}
