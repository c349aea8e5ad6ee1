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
 * {@code chat.handoff}: hands a web chat conversation to a person. Once the interaction is stored,
 * the session's status becomes {@code agent}, the widget is told (the notice), a
 * {@code chat.handoff} event is recorded, and from then on bot replies to it are suppressed until
 * an agent closes it. On other channels the step does nothing.
 */
final class ChatHandoffStep implements BuiltinSteps.Builtin<ChatHandoffStep.Config> {

  /**
   * @param notice what the visitor is told; a default when absent
   * @param reason why, recorded with the event (e.g. "angry customer")
   */
  record Config(
      @JsonProperty("notice") @JsonPropertyDescription("What the visitor is told, e.g. \"Connecting you to a person...\"")
      String notice,
      @JsonProperty("reason") @JsonPropertyDescription("Why the conversation is handed over; recorded with the chat.handoff event")
      String reason) {}

  @Override
  public String name() {
    return "chat.handoff";
  }

  @Override
  public Class<Config> configType() {
    return Config.class;
  }

  @Override
  public Step create(Config config, Tenant tenant) {
    Config c = config == null ? new Config(null, null) : config;
    if (c.notice() != null && c.notice().length() > 1000) {
      throw new StepConfigException(name(), "notice", "is longer than 1000 characters", null);
    }
    return execution -> {
      if (!"webchat".equals(StepExecutions.connector(execution))) {
        return;
      }
      Map<String, Object> payload = new LinkedHashMap<>();
      payload.put("address", execution.interaction().from());
      if (c.notice() != null) {
        payload.put("notice", c.notice());
      }
      payload.put("reason", c.reason() == null ? "workflow" : c.reason());
      execution.requestAction("chat.handoff", payload);
    };
  }
}
