package io.switchboard.runtime.workflow.builtin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.switchboard.api.Step;
import io.switchboard.pluginloader.StepConfigException;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.workflow.StepExecutions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code reply}: answers the contact on the channel the interaction came in on, through the same
 * connector, once the interaction is stored. The text is a template: {@code {{contact.displayName}}}.
 */
final class ReplyStep implements BuiltinSteps.Builtin<ReplyStep.Config> {

  /** @param text the reply; CEL expressions in double braces are filled in */
  record Config(
      @JsonProperty(value = "text", required = true)
      @JsonPropertyDescription("The reply text; {{ CEL expressions }} are filled in, e.g. {{contact.displayName}}")
      String text) {}

  @Override
  public String name() {
    return "reply";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Step create(Config config, Tenant tenant) {
    if (config.text() == null || config.text().isBlank()) {
      throw new StepConfigException(name(), "text", "is required: the text to send back", null);
    }
    if (config.text().length() > 1600) {
      throw new StepConfigException(name(), "text", "is longer than 1600 characters, more than one SMS can carry", null);
    }
    Template text;
    try {
      text = Template.compile(config.text());
    } catch (IllegalArgumentException e) {
      throw new StepConfigException(name(), "text", e.getMessage(), e);
    }
    return execution -> {
      var i = execution.interaction();
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("connector", StepExecutions.connector(execution));
      payload.put("channel", i.channel());
      payload.put("to", i.from());
      if (i.to() != null) {
        payload.put("from", i.to());
      }
      payload.put("text", text.render(StepExecutions.variables(execution)));
      payload.put("inReplyTo", i.id().toString());
      execution.requestAction("reply", payload);
    };
  }
}
