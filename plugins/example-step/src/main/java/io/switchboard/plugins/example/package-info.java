/**
 * The template plugin: a workflow step ({@link io.switchboard.plugins.example.KeywordsStepFactory},
 * {@code example.keywords}) and a connector for a provider that posts signed JSON
 * ({@link io.switchboard.plugins.example.ExampleJsonConnector}). Copy this module to start a plugin.
 */
package io.switchboard.plugins.example;
