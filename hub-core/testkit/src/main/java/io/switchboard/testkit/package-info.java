/**
 * Runs a plugin's extensions the way the hub does, inside the plugin's own unit tests:
 * {@link io.switchboard.testkit.ConnectorTester} posts webhook requests through a connector,
 * {@link io.switchboard.testkit.StepTester} binds a step's configuration and runs the step,
 * {@link io.switchboard.testkit.TestPluginContext} stands in for the hub's plugin context and
 * {@link io.switchboard.testkit.PluginArchive} loads the packaged plugin zip with PF4J.
 *
 * <p>Class loading, the context class loader around plugin calls and step-config binding are not
 * imitated: the kit uses the hub's own code for them (switchboard-plugin-loader,
 * {@code io.switchboard.pluginloader}), so a plugin that passes here loads and binds in the hub.
 *
 * <p>The kit names no test framework. It returns what the hub would answer or record, and throws
 * {@link io.switchboard.testkit.ContractViolation} (an {@link AssertionError}) when an extension
 * breaks the API's contract in a way the hub could not answer for.
 */
package io.switchboard.testkit;
