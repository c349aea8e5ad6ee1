package io.switchboard.runtime.plugin;

import java.util.List;

/** Installing, enabling, disabling and removing plugins while the hub runs. Thread-safe. */
public interface PluginAdmin {

  /**
   * A plugin as the admin API shows it.
   *
   * @param state STARTED, DISABLED, FAILED, STOPPED, RESOLVED, ...
   * @param failure why it failed to start, or null
   * @param connectors connector ids it provides (when started)
   * @param steps step names it provides (when started)
   * @param stepSchemas each step's configuration schema (JSON Schema 2020-12), by step name
   */
  record PluginView(String id, String version, String provider, String requires, String description, String state,
      String failure, List<String> connectors, List<String> steps,
      java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> stepSchemas) {}

  /** A plugin archive or request the hub refuses, with an HTTP status, a code and what to fix. */
  class PluginRejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;

    public PluginRejectedException(int status, String code, String message) {
      super(message);
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }
  }

  List<PluginView> list();

  /**
   * Checks the archive's descriptor (id, version, required hub versions, provider), stores it in
   * the plugins directory, loads and starts it. A plugin whose start throws is installed as FAILED.
   *
   * @throws PluginRejectedException 400 for a bad archive or descriptor, 403 for an archive not on
   *     the allowlist, 409 when a plugin with that id is installed, 413 when too large
   */
  PluginView install(byte[] archive) throws PluginRejectedException;

  /** Enables and starts a plugin; the state is kept across restarts. @throws PluginRejectedException 404 */
  PluginView enable(String id) throws PluginRejectedException;

  /** Stops and disables a plugin; the state is kept across restarts. @throws PluginRejectedException 404 */
  PluginView disable(String id) throws PluginRejectedException;

  /** Stops, unloads and deletes a plugin. @throws PluginRejectedException 404 */
  void remove(String id) throws PluginRejectedException;
}
