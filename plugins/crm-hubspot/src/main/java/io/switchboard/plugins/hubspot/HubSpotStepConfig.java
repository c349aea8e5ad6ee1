package io.switchboard.plugins.hubspot;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;

/**
 * Configuration of the {@code crm.hubspot.*} steps, bound strictly from the tenant file:
 *
 * <pre>
 * plugins: [crm-hubspot]
 * workflow:
 *   steps:
 *     - step: crm.hubspot.contact          # upsert the contact by e-mail
 *       config: {properties: {lifecyclestage: lead}}
 *     - step: crm.hubspot.task
 *       when: "signals.priority == 'high'"
 *       config: {subject: "Call back {{from}}", body: "They wrote: {{text}}", priority: HIGH}
 *     - step: crm.hubspot.note
 *       config: {body: "{{channel}} message: {{text}}"}
 * </pre>
 *
 * The placeholders text, from and channel in double braces, in subject and body, are replaced by
 * the interaction's text, sender and channel.
 *
 * @param subject the task's subject (tasks only; required for them)
 * @param body the task's or the note's body (required for notes)
 * @param priority the task's priority: LOW, MEDIUM (default) or HIGH
 * @param properties HubSpot contact properties to set on upsert
 */
public record HubSpotStepConfig(
    @JsonPropertyDescription("The task's subject (crm.hubspot.task); {{text}}, {{from}}, {{channel}} are replaced") String subject,
    @JsonPropertyDescription("The task's or note's body; {{text}}, {{from}}, {{channel}} are replaced") String body,
    @JsonPropertyDescription("The task's priority: LOW, MEDIUM (default) or HIGH") String priority,
    @JsonPropertyDescription("HubSpot contact properties to set (crm.hubspot.contact)") Map<String, String> properties) {

  public HubSpotStepConfig {
    properties = properties == null ? Map.of() : Map.copyOf(properties);
  }
}
