package io.switchboard.runtime.tenant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Path.Node;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.AssertTrue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

/**
 * Reads a tenant file strictly: YAML with duplicate keys refused, bound to {@link TenantFile} with
 * unknown fields refused (all of them reported, not just the first), then checked against the
 * constraints the model declares. Every problem names the file, line, column and field path.
 * Thread-safe.
 */
public final class TenantFileParser {

  static final YAMLFactory YAML_FACTORY = YAMLFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final ObjectMapper MAPPER = new ObjectMapper(YAML_FACTORY)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  static {
    // YAML reads yes/no/on/off as booleans: where a string is expected, say so rather than take "false"
    MAPPER.coercionConfigFor(com.fasterxml.jackson.databind.type.LogicalType.Textual)
        .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Boolean,
            com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
  }

  private static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
      .messageInterpolator(new ParameterMessageInterpolator())
      .buildValidatorFactory().getValidator();

  /** The largest tenant file read; anything larger is not a hand-written configuration. */
  static final int MAX_BYTES = 1 << 20;

  private TenantFileParser() {}

  /**
   * A file read and checked.
   *
   * @param file where it was read from
   * @param digest SHA-256 of its bytes, hex
   * @param tree the document as written
   * @param model the bound model; null when there are problems
   * @param locations where each field is
   * @param problems everything wrong, located; empty when the model is usable
   */
  public record Parsed(Path file, String digest, JsonNode tree, TenantFile model, Locations locations,
      List<ConfigProblem> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  public static Parsed parse(Path file) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        return failed(file, new byte[0], null, null, List.of(ConfigProblem.at("", "the file is larger than "
            + MAX_BYTES + " bytes; a tenant file is configuration, put data (intent examples, documents) in files it references")));
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return failed(file, new byte[0], null, null, List.of(ConfigProblem.at("", "cannot read the file: " + e.getMessage())));
    }
    return parse(file, bytes);
  }

  /** Parses a tenant file's bytes; {@code file} names it in problems and decides the expected id. */
  public static Parsed parse(Path file, byte[] bytes) {
    Locations locations = Locations.index(YAML_FACTORY, bytes);
    JsonNode tree;
    try {
      tree = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      return failed(file, bytes, null, locations, List.of(syntax(e)));
    } catch (IOException e) {
      return failed(file, bytes, null, locations, List.of(ConfigProblem.at("", "cannot read the file: " + e.getMessage())));
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return failed(file, bytes, tree, locations,
          List.of(ConfigProblem.at("", "the file is empty; it must declare at least 'id: " + expectedId(file) + "'")));
    }
    if (!tree.isObject()) {
      return failed(file, bytes, tree, locations,
          List.of(ConfigProblem.at("", "the file must be a map of fields (id, name, channels, workflow, ...)")));
    }
    List<ConfigProblem> problems = new ArrayList<>();
    TenantFile model = null;
    try {
      // bound from the text, not the tree: the parser's context then knows every field's real path
      model = MAPPER.readerFor(TenantFile.class).withHandler(new CollectUnknown(problems)).readValue(bytes);
    } catch (JsonMappingException e) {
      problems.add(binding(e, tree));
    } catch (IOException e) {
      problems.add(ConfigProblem.at("", e.getMessage()));
    }
    if (model != null && problems.isEmpty()) {
      problems.addAll(constraints(model));
      String expected = expectedId(file);
      if (model.id() != null && problems.isEmpty() && !model.id().equals(expected)) {
        problems.add(ConfigProblem.at("id", "is '" + model.id() + "' but must equal the file name '" + expected + "'"));
      }
    }
    return failed(file, bytes, tree, locations, problems, problems.isEmpty() ? model : null);
  }

  private static Parsed failed(Path file, byte[] bytes, JsonNode tree, Locations locations, List<ConfigProblem> problems) {
    return failed(file, bytes, tree, locations, problems, null);
  }

  private static Parsed failed(Path file, byte[] bytes, JsonNode tree, Locations locations,
      List<ConfigProblem> problems, TenantFile model) {
    List<ConfigProblem> located = problems.stream().map(p -> p.locate(file, locations))
        .sorted(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column)).toList();
    return new Parsed(file, sha256(bytes), tree, model, locations, located);
  }

  /** The tenant id a file must declare: its name without {@code .yaml}. */
  public static String expectedId(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".yaml") ? name.substring(0, name.length() - 5) : name;
  }

  /** YAML syntax errors and duplicate keys, at the parser's position. */
  private static ConfigProblem syntax(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
    String path = "";
    if (e.getProcessor() instanceof JsonParser p) {
      path = Locations.path(p.getParsingContext().pathAsPointer());
    }
    if (message != null && message.startsWith("Duplicate field '")) {
      String name = message.substring("Duplicate field '".length(), message.indexOf('\'', "Duplicate field '".length()));
      return new ConfigProblem(null, line, column, path, "'" + name + "' is given twice; each key may appear once");
    }
    // SnakeYAML's message spans lines, with a caret drawing; keep its words
    String words = message == null ? e.toString() : message.lines().map(String::trim)
        .filter(l -> !l.isEmpty() && !l.startsWith("^") && !l.startsWith("in 'reader'")).collect(Collectors.joining("; "));
    return new ConfigProblem(null, Math.max(line, 0), Math.max(column, 0), "", "not valid YAML: " + words);
  }

  /** A binding error: the wrong kind of value, an unknown enum constant, a missing required field. */
  private static ConfigProblem binding(JsonMappingException e, JsonNode tree) {
    String path = io.switchboard.pluginloader.JsonPaths.of(e.getPath());
    if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
      String allowed = java.util.Arrays.stream(f.getTargetType().getEnumConstants())
          .map(c -> enumName((Enum<?>) c)).collect(Collectors.joining(", "));
      return ConfigProblem.at(path, "is '" + f.getValue() + "'; expected one of " + allowed);
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      String message = e.getOriginalMessage();
      if (message != null && message.startsWith("Missing required creator property")) {
        String name = message.substring(message.indexOf('\'') + 1, message.indexOf('\'', message.indexOf('\'') + 1));
        return ConfigProblem.at(path.endsWith(name) ? path : (path.isEmpty() ? name : path + "." + name), "is required");
      }
      return ConfigProblem.at(path, "must be " + expected(m.getTargetType()) + got(tree, path));
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return ConfigProblem.at(path, cause.getMessage() == null ? e.getOriginalMessage() : cause.getMessage());
  }

  private static String enumName(Enum<?> constant) {
    try {
      var p = constant.getDeclaringClass().getField(constant.name()).getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
      return p == null ? constant.name() : p.value();
    } catch (NoSuchFieldException e) {
      return constant.name();
    }
  }

  /** The model's own constraints (Jakarta Validation annotations on {@link TenantFile}). */
  static List<ConfigProblem> constraints(Object model) {
    Set<ConstraintViolation<Object>> violations = VALIDATOR.validate(model);
    List<ConfigProblem> out = new ArrayList<>();
    for (ConstraintViolation<Object> v : violations) {
      out.add(ConfigProblem.at(path(v), v.getMessage()));
    }
    return out;
  }

  /**
   * A violation's property path as the hub writes it. Jakarta Validation puts a list index or map
   * key on the node after the container; a rule on the object itself ({@code @AssertTrue isX()})
   * names the object.
   */
  private static String path(ConstraintViolation<?> v) {
    List<Node> nodes = new ArrayList<>();
    v.getPropertyPath().forEach(nodes::add);
    boolean objectRule = v.getConstraintDescriptor().getAnnotation() instanceof AssertTrue;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (n.isInIterable()) {
        if (n.getIndex() != null) {
          out.append('[').append(n.getIndex()).append(']');
        } else if (n.getKey() != null) {
          out.append(out.length() == 0 ? "" : ".").append(n.getKey());
        }
      }
      // a rule on the object itself (isOneKind()) is the object's problem, not a field's
      boolean last = i == nodes.size() - 1;
      if (n.getName() != null && !n.getName().startsWith("<") && !(objectRule && last)) {
        out.append(out.length() == 0 ? "" : ".").append(n.getName());
      }
    }
    return out.toString();
  }

  private static String got(JsonNode tree, String path) {
    JsonNode node = tree;
    for (String part : path.replace("[", ".[").split("\\.")) {
      if (part.isEmpty() || node == null) {
        continue;
      }
      node = part.startsWith("[") ? node.path(Integer.parseInt(part.substring(1, part.length() - 1))) : node.path(part);
    }
    if (node == null || node.isMissingNode()) {
      return "";
    }
    if (node.isTextual()) {
      String t = node.textValue();
      return ", got '" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "'";
    }
    if (node.isBoolean()) {
      return ", got " + node + " (YAML reads yes, no, on and off as true and false: put the value in quotes)";
    }
    return node.isValueNode() ? ", got " + node : node.isArray() ? ", got a list" : ", got a map";
  }

  private static String expected(Class<?> type) {
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (java.util.Map.class.isAssignableFrom(type) || type.isRecord() || type == TenantFile.Channel.class) {
      return "a map of fields";
    }
    if (CharSequence.class.isAssignableFrom(type)) {
      return "a string";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type.isEnum()) {
      return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(c -> enumName((Enum<?>) c))
          .collect(Collectors.joining(", "));
    }
    return "a " + type.getSimpleName();
  }

  /** Records every unknown field (with the fields allowed there) and skips it, so all are reported at once. */
  private static final class CollectUnknown extends DeserializationProblemHandler {
    private final List<ConfigProblem> problems;

    CollectUnknown(List<ConfigProblem> problems) {
      this.problems = problems;
    }

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
        Object beanOrClass, String propertyName) throws IOException {
      var ctx = p.getParsingContext();
      if ((p.currentToken() == com.fasterxml.jackson.core.JsonToken.START_OBJECT
          || p.currentToken() == com.fasterxml.jackson.core.JsonToken.START_ARRAY) && ctx.getParent() != null) {
        ctx = ctx.getParent();
      }
      String path = Locations.path(ctx.pathAsPointer());
      // the parser may already be inside the value (an empty list): cut the path at the field itself
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(^|\\.)" + java.util.regex.Pattern.quote(propertyName)
          + "(?=$|[.\\[])").matcher(path);
      if (m.find()) {
        path = path.substring(0, m.end());
      }
      if (!path.endsWith(propertyName)) {
        path = path.isEmpty() ? propertyName : path + "." + propertyName;
      }
      Collection<Object> known = deserializer.getKnownPropertyNames();
      String allowed = known == null || known.isEmpty() ? ""
          : "; expected one of: " + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
      problems.add(ConfigProblem.atKey(path, "unknown field '" + propertyName + "'" + allowed));
      p.skipChildren();
      return true;
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
