package io.switchboard.testkit;

import io.switchboard.api.Interaction;
import io.switchboard.api.StepExecution;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tester's {@link StepExecution}: records signals, and fails the test with a
 * {@link ContractViolation} for a value outside the API's contract (numbers, strings, booleans,
 * lists and maps of those), which the hub might not store faithfully as JSON.
 */
final class RecordingStepExecution implements StepExecution {

  private final Interaction interaction;
  private final boolean dryRun;
  private final Map<String, Object> signals;
  private final java.util.List<Map<String, Object>> actions = new java.util.ArrayList<>();
  private final io.switchboard.api.Contact contact;

  RecordingStepExecution(Interaction interaction, Map<String, Object> earlierSignals, boolean dryRun) {
    this.interaction = interaction;
    this.dryRun = dryRun;
    this.signals = new LinkedHashMap<>(earlierSignals);
    this.contact = new io.switchboard.api.Contact(interaction.contactId(),
        interaction.from() != null && interaction.from().startsWith("+") ? interaction.from() : null, null, null, Map.of());
  }

  @Override
  public io.switchboard.api.Contact contact() {
    return contact;
  }

  @Override
  public void requestAction(String type, Map<String, Object> payload) {
    if (type == null || type.isBlank()) {
      throw new IllegalArgumentException("an action needs a type");
    }
    checkJson("action " + type, payload);
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("type", type);
    a.put("payload", payload);
    actions.add(java.util.Collections.unmodifiableMap(a));
  }

  /** The actions the step requested, in order: each {@code {type, payload}}. */
  java.util.List<Map<String, Object>> actions() {
    return java.util.List.copyOf(actions);
  }

  @Override
  public Interaction interaction() {
    return interaction;
  }

  @Override
  public Map<String, Object> signals() {
    return Collections.unmodifiableMap(signals);
  }

  @Override
  public void putSignal(String name, Object value) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a signal needs a non-blank name");
    }
    checkJson(name, value);
    signals.put(name, value);
  }

  @Override
  public boolean dryRun() {
    return dryRun;
  }

  Map<String, Object> snapshot() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(signals));
  }

  /** The API allows numbers, strings, booleans, and lists and maps (string keys) of those. */
  static void checkJson(String path, Object value) {
    if (value == null) {
      throw new ContractViolation("signal '" + path + "' is null; leave the signal out instead");
    }
    if (value instanceof Number || value instanceof String || value instanceof Boolean) {
      if (value instanceof Double d && (d.isNaN() || d.isInfinite())
          || value instanceof Float f && (f.isNaN() || f.isInfinite())) {
        throw new ContractViolation("signal '" + path + "' is " + value + ", which JSON cannot hold");
      }
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        checkJson(path + "[" + i + "]", list.get(i));
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new ContractViolation("signal '" + path + "' has a map key that is not a string: " + e.getKey());
        }
        checkJson(path + "." + key, e.getValue());
      }
      return;
    }
    throw new ContractViolation("signal '" + path + "' is a " + value.getClass().getName()
        + "; signals must be numbers, strings, booleans, or lists and maps of those");
  }
}
