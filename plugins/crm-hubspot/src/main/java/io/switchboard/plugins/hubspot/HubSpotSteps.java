package io.switchboard.plugins.hubspot;

import io.switchboard.api.Contact;
import io.switchboard.api.Step;
import io.switchboard.api.StepExecution;
import io.switchboard.api.StepFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.pf4j.Extension;

/**
 * The {@code crm.hubspot.contact}, {@code crm.hubspot.task} and {@code crm.hubspot.note} steps:
 * each asks for the action of the same name ({@link HubSpotActions}) with the contact's e-mail
 * address, phone, name and stored {@code crm.hubspot.id}. The steps call nothing themselves: the
 * hub performs the action once the interaction is stored. A contact without an e-mail address and
 * without a HubSpot id asks for nothing.
 */
public final class HubSpotSteps {

  private HubSpotSteps() {}

  /** What every {@code crm.hubspot.*} step does, for its action type. */
  abstract static class Base implements StepFactory<HubSpotStepConfig> {

    abstract String type();

    @Override
    public String name() {
      return type();
    }

    @Override
    public Class<HubSpotStepConfig> configType() {
      return HubSpotStepConfig.class;
    }

    @Override
    public Step create(HubSpotStepConfig config) {
      String type = type();
      if (HubSpotActions.TASK.equals(type) && (config.subject() == null || config.subject().isBlank())) {
        throw new IllegalArgumentException("subject: required for a task, e.g. \"Call back {{from}}\"");
      }
      if (HubSpotActions.NOTE.equals(type) && (config.body() == null || config.body().isBlank())) {
        throw new IllegalArgumentException("body: required for a note, e.g. \"{{channel}} message: {{text}}\"");
      }
      String priority = config.priority() == null ? "MEDIUM" : config.priority().strip().toUpperCase(java.util.Locale.ROOT);
      if (!Set.of("LOW", "MEDIUM", "HIGH").contains(priority)) {
        throw new IllegalArgumentException("priority: must be LOW, MEDIUM or HIGH, got '" + config.priority() + "'");
      }
      return execution -> {
        Map<String, Object> payload = new LinkedHashMap<>();
        Contact c = execution.contact();
        String email = c != null && c.email() != null ? c.email()
            : execution.interaction().from() != null && execution.interaction().from().contains("@") ? execution.interaction().from() : null;
        String hubspotId = hubspotId(c);
        if (email == null && hubspotId == null) {
          return;
        }
        put(payload, "email", email);
        put(payload, "hubspotId", hubspotId);
        put(payload, "phone", c == null ? null : c.phone() != null && c.phone().startsWith("+") ? c.phone() : null);
        put(payload, "name", c == null ? null : c.displayName());
        put(payload, "subject", fill(config.subject(), execution));
        put(payload, "body", fill(config.body(), execution));
        payload.put("priority", priority);
        if (!config.properties().isEmpty()) {
          payload.put("properties", config.properties());
        }
        execution.requestAction(type, payload);
      };
    }
  }

  static String hubspotId(Contact c) {
    if (c != null && c.attributes().get("crm") instanceof Map<?, ?> crm && crm.get("hubspot") instanceof Map<?, ?> h
        && h.get("id") != null) {
      return String.valueOf(h.get("id"));
    }
    return null;
  }

  static String fill(String template, StepExecution e) {
    if (template == null) {
      return null;
    }
    var i = e.interaction();
    return template.replace("{{text}}", i.text() == null ? "" : i.text())
        .replace("{{from}}", i.from() == null ? "" : i.from())
        .replace("{{channel}}", i.channel() == null ? "" : i.channel());
  }

  private static void put(Map<String, Object> payload, String key, Object value) {
    if (value != null) {
      payload.put(key, value);
    }
  }

  /** {@code crm.hubspot.contact}. */
  @Extension
  public static class ContactStep extends Base {
    @Override
    String type() {
      return HubSpotActions.CONTACT;
    }
  }

  /** {@code crm.hubspot.task}. */
  @Extension
  public static class TaskStep extends Base {
    @Override
    String type() {
      return HubSpotActions.TASK;
    }
  }

  /** {@code crm.hubspot.note}. */
  @Extension
  public static class NoteStep extends Base {
    @Override
    String type() {
      return HubSpotActions.NOTE;
    }
  }
}
