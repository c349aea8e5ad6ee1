package io.switchboard.runtime.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationModule;
import com.github.victools.jsonschema.module.jakarta.validation.JakartaValidationOption;
import io.switchboard.api.StepFactory;
import io.switchboard.pluginloader.PluginCalls;
import io.switchboard.pluginloader.StepSchemas;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON Schema of tenant files, generated from {@link TenantFile} (its Jackson names and its
 * Jakarta Validation constraints, the same ones the parser enforces), with each known step's
 * configuration schema attached to the steps of that name. Published at
 * {@code config/schema/tenant.schema.json} for editors and served at {@code GET /api/v1/schema/tenant}.
 */
public final class TenantSchema {

  /** Where editors find the schema; tenant files can name it in a {@code # yaml-language-server: $schema=} line. */
  public static final String ID = "https://switchboard.io/schema/tenant.schema.json";

  private static final SchemaGenerator GENERATOR;

  static {
    SchemaGeneratorConfigBuilder b = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
        .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED, JacksonOption.FLATTENED_ENUMS_FROM_JSONPROPERTY))
        .with(new JakartaValidationModule(JakartaValidationOption.INCLUDE_PATTERN_EXPRESSIONS,
            JakartaValidationOption.NOT_NULLABLE_FIELD_IS_REQUIRED))
        .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
        .with(Option.DEFINITIONS_FOR_ALL_OBJECTS);
    // a step's config is checked against the step's own schema (attached below), a channel's plain
    // settings are the connector's to read
    b.forTypesInGeneral().withCustomDefinitionProvider((type, context) -> {
      if (type.getErasedType() == JsonNode.class) {
        return new com.github.victools.jsonschema.generator.CustomDefinition(context.getGeneratorConfig().createObjectNode()
            .put("type", "object"));
      }
      if (type.getErasedType() == TenantFile.Channel.class) {
        ObjectNode ch = context.getGeneratorConfig().createObjectNode();
        ch.put("type", "object").put("description", "The connector's settings (phone numbers, account ids) and its secrets");
        ObjectNode secrets = ch.putObject("properties").putObject("secrets");
        secrets.put("type", "object").put("description", "Secret settings: ${env:NAME} references");
        secrets.putObject("additionalProperties").put("type", "string");
        ch.put("additionalProperties", true);
        return new com.github.victools.jsonschema.generator.CustomDefinition(ch);
      }
      return null;
    });
    GENERATOR = new SchemaGenerator(b.build());
  }

  private TenantSchema() {}

  /** The schema, with the configuration schemas of these steps (the hub's own and the plugins'). */
  public static ObjectNode generate(List<? extends StepFactory<?>> steps) {
    ObjectNode root = GENERATOR.generateSchema(TenantFile.class);
    ObjectNode out = root.objectNode();
    out.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    out.put("$id", ID);
    out.put("title", "Switchboard tenant file (config/tenants/<id>.yaml)");
    root.remove("$schema");
    out.setAll(root);
    ObjectNode defs = (ObjectNode) out.get("$defs");
    String nodeDef = null;
    for (Iterator<String> it = defs.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (name.equals("Node") || name.endsWith("-Node") || name.endsWith(".Node")) {
        nodeDef = name;
      }
    }
    ObjectNode node = (ObjectNode) defs.get(nodeDef);
    ArrayNode oneOf = node.putArray("oneOf");
    for (String kind : List.of("step", "choice", "stop")) {
      oneOf.addObject().putArray("required").add(kind);
    }
    Map<String, StepFactory<?>> byName = new TreeMap<>();
    steps.forEach(s -> byName.put(s.name(), s));
    ArrayNode allOf = node.putArray("allOf");
    ArrayNode names = ((ObjectNode) node.get("properties").get("step")).putArray("examples");
    for (Map.Entry<String, StepFactory<?>> e : byName.entrySet()) {
      names.add(e.getKey());
      ObjectNode config = PluginCalls.call(e.getValue(), () -> StepSchemas.of(e.getValue())).deepCopy();
      hoist(config, "step." + e.getKey() + ".", defs);
      ObjectNode rule = allOf.addObject();
      ObjectNode cond = rule.putObject("if");
      cond.putObject("properties").putObject("step").put("const", e.getKey());
      cond.putArray("required").add("step");
      rule.putObject("then").putObject("properties").set("config", config);
    }
    return out;
  }

  /** Moves a step schema's own {@code $defs} into the root's, renaming them so that steps cannot clash. */
  private static void hoist(ObjectNode schema, String prefix, ObjectNode rootDefs) {
    JsonNode own = schema.remove("$defs");
    schema.remove("$schema");
    if (own instanceof ObjectNode o) {
      o.fields().forEachRemaining(d -> rootDefs.set(prefix + d.getKey(), d.getValue()));
      rewrite(schema, prefix);
      o.fields().forEachRemaining(d -> rewrite(rootDefs.get(prefix + d.getKey()), prefix));
    }
  }

  private static void rewrite(JsonNode n, String prefix) {
    if (n instanceof ObjectNode o) {
      JsonNode ref = o.get("$ref");
      if (ref != null && ref.isTextual() && ref.textValue().startsWith("#/$defs/")) {
        o.put("$ref", "#/$defs/" + prefix + ref.textValue().substring("#/$defs/".length()));
      }
      o.elements().forEachRemaining(c -> rewrite(c, prefix));
    } else if (n instanceof ArrayNode a) {
      a.elements().forEachRemaining(c -> rewrite(c, prefix));
    }
  }
}
