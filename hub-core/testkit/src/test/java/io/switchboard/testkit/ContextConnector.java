package io.switchboard.testkit;

import io.switchboard.api.PluginContext;
import org.pf4j.Extension;

/** A connector built with its plugin's context, whose id comes from the plugin configuration. */
@Extension
public class ContextConnector extends TinyConnector {

  private final String id;

  public ContextConnector(PluginContext context) {
    this.id = context.configuration().getOrDefault("connectorId", "ctx");
    context.metrics().count("created", 1, null);
  }

  @Override
  public String id() {
    return id;
  }
}
