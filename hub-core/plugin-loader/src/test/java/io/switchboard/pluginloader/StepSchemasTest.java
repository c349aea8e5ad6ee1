package io.switchboard.pluginloader;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.Step;
import io.switchboard.api.StepFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepSchemasTest {

  /** A step configuration as plugins write them. */
  public record ScoreConfig(@JsonProperty(required = true) String field, int weight, List<String> tags) {}

  static final class ScoreStep implements StepFactory<ScoreConfig> {
    @Override
    public String name() {
      return "test.score";
    }

    @Override
    public Class<ScoreConfig> configType() {
      return ScoreConfig.class;
    }

    @Override
    public Step create(ScoreConfig config) {
      return e -> { };
    }
  }

  static final class NoConfigStep implements StepFactory<Void> {
    @Override
    public String name() {
      return "test.none";
    }

    @Override
    public Class<Void> configType() {
      return Void.class;
    }

    @Override
    public Step create(Void config) {
      return e -> { };
    }
  }

  @Test
  void describesTheConfigurationTypeStrictly() {
    ObjectNode schema = StepSchemas.of(new ScoreStep());
    assertThat(schema.path("title").asText()).isEqualTo("test.score");
    assertThat(schema.path("type").asText()).isEqualTo("object");
    assertThat(schema.path("properties").path("field").path("type").asText()).isEqualTo("string");
    assertThat(schema.path("properties").path("weight").path("type").asText()).isEqualTo("integer");
    assertThat(schema.path("properties").path("tags").path("type").asText()).isEqualTo("array");
    assertThat(schema.path("required").toString()).contains("field").doesNotContain("weight");
    assertThat(schema.path("additionalProperties").asBoolean(true)).as("unknown fields are errors").isFalse();
  }

  @Test
  void aStepWithoutConfigurationTakesAnEmptyObject() {
    ObjectNode schema = StepSchemas.of(new NoConfigStep());
    assertThat(schema.path("maxProperties").asInt(-1)).isZero();
  }
}
