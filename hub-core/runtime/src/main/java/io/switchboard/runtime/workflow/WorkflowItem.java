package io.switchboard.runtime.workflow;

import io.switchboard.api.Contact;
import io.switchboard.api.Interaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One interaction on its way through a tenant's workflow: the signals and actions the nodes have
 * produced so far, the trace of what ran and which branches were taken, and whether it stopped or
 * failed. Belongs to one pipeline thread at a time.
 */
public final class WorkflowItem {

  /**
   * An action a step asked for, performed after the interaction is stored.
   *
   * @param node the node that asked for it
   */
  public record Action(String type, Map<String, Object> payload, String node) {}

  /**
   * One line of the trace.
   *
   * @param node the node's id
   * @param outcome {@code ran}, {@code skipped}, {@code branch}, {@code stopped}, {@code failed},
   *     {@code error-continued}, {@code condition-error}
   * @param detail the branch taken, the reason, the error; may be null
   */
  public record Trace(String node, String outcome, String detail) {}

  private final Interaction interaction;
  private final Contact contact;
  private final String connector;
  private final Map<String, Object> tenantInfo;
  private Map<String, Object> signals;
  private final List<Action> actions = new ArrayList<>();
  private final List<Trace> trace = new ArrayList<>();
  private boolean stopped;
  private StepFailedException failure;
  private Map<String, Object> variables;

  /**
   * @param connector the connector the interaction came in through (replies go back through it)
   * @param tenantInfo what expressions see as {@code tenant}
   * @param signals the signals the interaction starts with
   */
  public WorkflowItem(Interaction interaction, Contact contact, String connector, Map<String, Object> tenantInfo,
      Map<String, Object> signals) {
    this.interaction = interaction;
    this.contact = contact;
    this.connector = connector;
    this.tenantInfo = tenantInfo;
    this.signals = new LinkedHashMap<>(signals);
  }

  public Interaction interaction() {
    return interaction;
  }

  public Contact contact() {
    return contact;
  }

  public String connector() {
    return connector;
  }

  /** The signals so far, read-only. */
  public Map<String, Object> signals() {
    return Collections.unmodifiableMap(signals);
  }

  /** The scores so far: the map score steps write under {@code signals.scores}. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> scores() {
    return signals.get("scores") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  public List<Action> actions() {
    return Collections.unmodifiableList(actions);
  }

  public List<Trace> trace() {
    return Collections.unmodifiableList(trace);
  }

  /** Whether a stop node ended the workflow for this interaction. */
  public boolean stopped() {
    return stopped;
  }

  /** The step failure that sends this interaction to the dead-letter store, or null. */
  public StepFailedException failure() {
    return failure;
  }

  /** Still running: neither stopped nor failed. */
  public boolean active() {
    return !stopped && failure == null;
  }

  void completed(String node, Map<String, Object> newSignals, List<Action> newActions) {
    signals = new LinkedHashMap<>(newSignals);
    for (Action a : newActions) {
      actions.add(new Action(a.type(), a.payload(), node));
    }
    variables = null;
    trace.add(new Trace(node, "ran", null));
  }

  void errorContinued(String node, String error) {
    Map<String, Object> errors = new LinkedHashMap<>();
    if (signals.get("errors") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> errors.put(String.valueOf(k), v));
    }
    errors.put(node, error);
    signals.put("errors", errors);
    variables = null;
    trace.add(new Trace(node, "error-continued", error));
  }

  void failed(StepFailedException e) {
    failure = e;
    trace.add(new Trace(e.step(), "failed", e.getMessage()));
  }

  void stop(String node, String reason) {
    stopped = true;
    trace.add(new Trace(node, "stopped", reason));
  }

  void trace(String node, String outcome, String detail) {
    trace.add(new Trace(node, outcome, detail));
  }

  /** What expressions see: interaction, contact, signals, scores and tenant, as CEL values. Cached until signals change. */
  public Map<String, Object> variables() {
    if (variables == null) {
      Map<String, Object> i = new LinkedHashMap<>();
      i.put("id", interaction.id().toString());
      i.put("channel", interaction.channel());
      i.put("direction", interaction.direction());
      i.put("connector", connector);
      i.put("from", interaction.from());
      i.put("to", interaction.to());
      i.put("text", interaction.text());
      i.put("receivedAt", interaction.receivedAt().toString());
      i.put("attributes", interaction.attributes());
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("id", contact.id() == null ? null : contact.id().toString());
      c.put("phone", contact.phone());
      c.put("email", contact.email());
      c.put("displayName", contact.displayName());
      c.put("attributes", contact.attributes());
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("interaction", Expressions.celValue(i));
      v.put("contact", Expressions.celValue(c));
      v.put("signals", Expressions.celValue(signals));
      v.put("scores", Expressions.celValue(scores()));
      v.put("tenant", Expressions.celValue(tenantInfo));
      variables = v;
    }
    return variables;
  }
}
