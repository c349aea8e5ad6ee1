package io.switchboard.runtime.workflow;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The workflow's expression language: Google's Common Expression Language (CEL), the language of
 * Kubernetes admission policies and Envoy's rules. It is side-effect free and always terminates,
 * has no access to Java objects, files or the network, and is checked when the workflow is loaded,
 * so a typo fails the tenant file, not a message. Expressions see five variables, each a map:
 * {@code interaction}, {@code contact}, {@code signals}, {@code scores} and {@code tenant}
 * (see docs/workflows.md). Thread-safe.
 */
public final class Expressions {

  /** The variables every expression sees. */
  public static final List<String> VARIABLES = List.of("interaction", "contact", "signals", "scores", "tenant");

  private static final CelOptions OPTIONS = CelOptions.current()
      // 'scores.lead > 70' compares a double with an int, as people write it
      .enableHeterogeneousNumericComparisons(true)
      .build();
  private static final CelCompiler COMPILER;
  // the strings extension: lowerAscii(), upperAscii(), trim(), replace(), split(), join(), ...
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS)
      .addLibraries(dev.cel.extensions.CelExtensions.strings()).build();

  static {
    var b = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS)
        // has(), all(), exists(), exists_one(), map(), filter()
        .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS)
        .addLibraries(dev.cel.extensions.CelExtensions.strings());
    for (String v : VARIABLES) {
      b.addVar(v, MapType.create(SimpleType.STRING, SimpleType.DYN));
    }
    COMPILER = b.build();
  }

  private Expressions() {}

  /** An expression that does not compile: the message says where in it and what is wrong. */
  public static final class InvalidExpressionException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidExpressionException(String message) {
      super(message);
    }
  }

  /** An expression that could not be evaluated on one interaction (a missing field, a type error). */
  public static final class EvaluationException extends Exception {
    private static final long serialVersionUID = 1L;

    EvaluationException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A compiled expression. Thread-safe. */
  public static final class Expression {
    private final String source;
    private final CelRuntime.Program program;

    private Expression(String source, CelRuntime.Program program) {
      this.source = source;
      this.program = program;
    }

    public String source() {
      return source;
    }

    /** The value on these variables: a String, Long, Double, Boolean, List or Map. */
    public Object evaluate(Map<String, ?> variables) throws EvaluationException {
      try {
        return program.eval(variables);
      } catch (CelEvaluationException e) {
        throw new EvaluationException(e.getMessage(), e);
      }
    }

    /** The value as a condition; evaluation errors propagate so the caller can report them. */
    public boolean test(Map<String, ?> variables) throws EvaluationException {
      Object v = evaluate(variables);
      if (v instanceof Boolean b) {
        return b;
      }
      throw new EvaluationException("the condition gave " + v + ", not true or false", null);
    }

    @Override
    public String toString() {
      return source;
    }
  }

  /** Compiles a condition: an expression whose type must be bool (or unknown until run time). */
  public static Expression condition(String source) throws InvalidExpressionException {
    CelAbstractSyntaxTree ast = check(source);
    var type = ast.getResultType();
    if (type != SimpleType.BOOL && type != SimpleType.DYN) {
      throw new InvalidExpressionException("is not a condition: it gives a " + type.name().toLowerCase(java.util.Locale.ROOT)
          + ", not true or false (compare it: ... == 'x', ... > 3)");
    }
    return program(source, ast);
  }

  /** Compiles an expression of any type (for values, e.g. the 'set' step and text templates). */
  public static Expression value(String source) throws InvalidExpressionException {
    return program(source, check(source));
  }

  private static CelAbstractSyntaxTree check(String source) throws InvalidExpressionException {
    if (source == null || source.isBlank()) {
      throw new InvalidExpressionException("is empty; write a CEL expression such as signals.sentiment.label == 'negative'");
    }
    try {
      return COMPILER.compile(source).getAst();
    } catch (CelValidationException e) {
      throw new InvalidExpressionException(describe(source, e));
    }
  }

  private static Expression program(String source, CelAbstractSyntaxTree ast) throws InvalidExpressionException {
    try {
      return new Expression(source, RUNTIME.createProgram(ast));
    } catch (CelEvaluationException e) {
      throw new InvalidExpressionException("cannot be prepared: " + e.getMessage());
    }
  }

  private static String describe(String source, CelValidationException e) {
    List<String> out = new ArrayList<>();
    for (CelIssue issue : e.getErrors()) {
      var loc = issue.getSourceLocation();
      String where = loc.getColumn() >= 0 ? " at character " + (loc.getColumn() + 1) : "";
      String message = issue.getMessage();
      if (message.startsWith("undeclared reference to '")) {
        message += "; expressions can use " + String.join(", ", VARIABLES);
      }
      out.add("is not a valid CEL expression" + where + ": " + message);
    }
    return out.isEmpty() ? "is not a valid CEL expression: " + e.getMessage() : String.join("; ", out);
  }

  /**
   * Converts plain data (as signals, JSON and YAML hold it) into the values CEL works with: whole
   * numbers as long, other numbers as double, maps and lists converted throughout; nulls are
   * dropped from maps (CEL's {@code has()} then says the field is absent).
   */
  public static Object celValue(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof java.math.BigInteger bi) {
      return bi.longValue();
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, val) -> {
        if (val != null) {
          out.put(String.valueOf(k), celValue(val));
        }
      });
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().filter(java.util.Objects::nonNull).map(Expressions::celValue).collect(Collectors.toList());
    }
    if (v instanceof java.util.UUID || v instanceof java.time.Instant || v instanceof Enum<?>) {
      return v.toString();
    }
    return String.valueOf(v);
  }
}
