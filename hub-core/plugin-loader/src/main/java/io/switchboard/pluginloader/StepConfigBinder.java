package io.switchboard.pluginloader;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.switchboard.api.StepFactory;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Binds a step's configuration to its {@link StepFactory#configType()} with the hub's rules, for the
 * runtime's workflow compiler and the test kit's {@code StepTester} alike: Jackson binds records and
 * beans, unknown fields are errors, enums are not given as numbers, {@code java.time} types bind from
 * ISO-8601, and duplicate keys are errors (the hub's tenant-file parser refuses them; for JSON text
 * the parser here does). Jackson's usual scalar coercions apply ({@code "5"} binds to an int). A
 * field left out is null (zero, false for primitives): give the config type its defaults. Every
 * error names the field by its path ({@code rules[2].match}).
 */
public final class StepConfigBinder {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private StepConfigBinder() {}

  /**
   * Binds a configuration given as a map, as a YAML or JSON parser produces it (strings, numbers,
   * booleans, lists, maps). A null or empty map is a step declared without configuration.
   *
   * @return the bound configuration; null when the config type is {@link Void}
   * @throws StepConfigException naming the step and the field
   */
  public static <C> C bind(StepFactory<C> factory, Map<String, ?> config) {
    JsonNode tree;
    try {
      tree = MAPPER.valueToTree(config == null ? Map.of() : config);
    } catch (IllegalArgumentException e) {
      throw new StepConfigException(factory.name(), null, "the configuration is not plain data: " + e.getMessage(), e);
    }
    return bindTree(factory, tree);
  }

  /**
   * Binds a configuration given as JSON text; duplicate keys are errors.
   *
   * @throws StepConfigException naming the step and the field (and the line for syntax errors)
   */
  public static <C> C bind(StepFactory<C> factory, String json) {
    JsonNode tree;
    try {
      tree = json == null || json.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw describe(factory, e, null);
    }
    return bindTree(factory, tree);
  }

  /**
   * Binds a configuration already parsed into a tree, as the hub's tenant-file parser produces it.
   * A null, missing or JSON-null tree is a step declared without configuration.
   *
   * @return the bound configuration; null when the config type is {@link Void}
   * @throws StepConfigException naming the step and the field
   */
  public static <C> C bind(StepFactory<C> factory, JsonNode config) {
    return bindTree(factory, config);
  }

  private static <C> C bindTree(StepFactory<C> factory, JsonNode tree) {
    Class<C> type = Objects.requireNonNull(factory.configType(),
        () -> "step '" + factory.name() + "': configType() returned null; use Void.class for no configuration");
    if (tree == null || tree.isNull() || tree.isMissingNode()) {
      tree = MAPPER.createObjectNode();
    }
    if (!tree.isObject()) {
      throw new StepConfigException(factory.name(), null,
          "the configuration must be an object of fields, got " + kind(tree), null);
    }
    if (type == Void.class) {
      if (!tree.isEmpty()) {
        throw new StepConfigException(factory.name(), tree.fieldNames().next(),
            "takes no configuration; remove " + quoted(iterable(tree.fieldNames())), null);
      }
      return null;
    }
    try {
      return MAPPER.treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw describe(factory, e, tree);
    }
  }

  private static StepConfigException describe(StepFactory<?> factory, JsonProcessingException e, JsonNode tree) {
    String step = factory.name();
    if (e instanceof UnrecognizedPropertyException u) {
      String field = path(u);
      Collection<Object> known = u.getKnownPropertyIds();
      String knownText = known == null || known.isEmpty() ? ""
          : "; known fields: " + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
      return new StepConfigException(step, field, "unknown field '" + field + "'" + knownText, e);
    }
    if (e instanceof ValueInstantiationException v) {
      // The config type's constructor refused the values (a record's compact constructor, say).
      Throwable cause = v.getCause() != null ? v.getCause() : v;
      String field = path(v);
      return new StepConfigException(step, field.isEmpty() ? null : field, cause.getMessage(), e);
    }
    if (e instanceof MismatchedInputException m && !path(m).isEmpty()) {
      String field = path(m);
      String got = got(tree, m);
      return new StepConfigException(step, field, "field '" + field + "' must be " + expected(m.getTargetType()) + got, e);
    }
    if (e instanceof JsonMappingException m && !path(m).isEmpty()) {
      String field = path(m);
      return new StepConfigException(step, field, "field '" + field + "': " + e.getOriginalMessage(), e);
    }
    // Syntax errors and duplicate keys: say where in the text.
    String original = e.getOriginalMessage();
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 0 ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    String field = null;
    if (original != null && original.startsWith("Duplicate field '")) {
      String name = original.substring("Duplicate field '".length(), original.indexOf('\'', "Duplicate field '".length()));
      field = e.getProcessor() instanceof JsonParser p ? pointerPath(p, name) : name;
      return new StepConfigException(step, field, "duplicate field '" + field + "'" + where, e);
    }
    return new StepConfigException(step, null, "invalid configuration" + where + ": " + original, e);
  }

  /** ", got <the value>" for a value of the wrong type, found in the bound tree by the error's path. */
  private static String got(JsonNode tree, JsonMappingException e) {
    if (tree == null) {
      return e instanceof InvalidFormatException f ? ", got '" + f.getValue() + "'" : "";
    }
    JsonNode node = tree;
    for (JsonMappingException.Reference r : e.getPath()) {
      node = r.getFieldName() != null ? node.path(r.getFieldName()) : node.path(r.getIndex());
    }
    if (node.isMissingNode()) {
      return "";
    }
    if (node.isTextual()) {
      String text = node.textValue();
      return ", got '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }
    return node.isValueNode() ? ", got " + node : ", got " + kind(node);
  }

  /** The JSON path of a binding error: {@code keywords}, {@code rules[2].match}. */
  private static String path(JsonMappingException e) {
    return JsonPaths.of(e.getPath());
  }

  private static String pointerPath(JsonParser parser, String name) {
    String path = JsonPaths.of(parser.getParsingContext().pathAsPointer());
    // While the duplicate is read the context already points at it; otherwise append it.
    return path.equals(name) || path.endsWith("." + name) ? path : (path.isEmpty() ? name : path + "." + name);
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "a different kind of value";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "a map";
    }
    if (CharSequence.class.isAssignableFrom(type) || type == Character.class || type == char.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class
        || type == Short.class || type == short.class || type == Byte.class || type == byte.class
        || type == java.math.BigInteger.class) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (type.isEnum()) {
      return "one of " + Arrays.stream(type.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
    }
    return "an object";
  }

  private static String kind(JsonNode node) {
    if (node.isObject()) {
      return "a map";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isTextual()) {
      return "a string";
    }
    if (node.isNumber()) {
      return "a number";
    }
    if (node.isBoolean()) {
      return "a boolean";
    }
    return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
    return () -> it;
  }

  private static String quoted(Iterable<String> names) {
    StringBuilder out = new StringBuilder();
    for (String n : names) {
      out.append(out.length() == 0 ? "" : ", ").append('\'').append(n).append('\'');
    }
    return out.toString();
  }
}
