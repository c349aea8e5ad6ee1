package io.switchboard.pluginloader;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import io.switchboard.api.StepFactory;

/**
 * The JSON Schema of a step's configuration, generated from its configuration type (the same type
 * {@link StepConfigBinder} binds to), so the schema and the binding cannot disagree. Unknown
 * fields are forbidden in the schema as they are in the binding.
 */
public final class StepSchemas {

  private static final SchemaGenerator GENERATOR = new SchemaGenerator(
      new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
          .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_REQUIRED))
          .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
          .build());

  private StepSchemas() {}

  /** The schema of the step's configuration; for a step without configuration, an empty object. */
  public static ObjectNode of(StepFactory<?> factory) {
    Class<?> type = factory.configType();
    ObjectNode schema = type == Void.class || type == null
        ? GENERATOR.getConfig().createObjectNode().put("type", "object").put("maxProperties", 0)
        : GENERATOR.generateSchema(type);
    schema.put("title", factory.name());
    return schema;
  }
}
