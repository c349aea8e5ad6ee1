package io.switchboard.plugins.hubspot;

import org.pf4j.Plugin;

/**
 * The PF4J plugin class named by {@code plugin.class}. It holds no state: the hub finds the
 * {@code hubspot} and {@code crm} connectors, {@link HubSpotActions} and the {@code crm.hubspot.*}
 * steps through their {@code @Extension} index.
 */
public class HubSpotPlugin extends Plugin {

  public HubSpotPlugin() {
    super();
  }
}
