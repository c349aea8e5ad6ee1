package io.switchboard.plugins.stripe;

import org.pf4j.Plugin;

/**
 * The PF4J plugin class named by {@code plugin.class}. It holds no state: the hub finds
 * {@link StripeConnector} and {@link StripeActions} through their {@code @Extension} index.
 */
public class StripePlugin extends Plugin {

  public StripePlugin() {
    super();
  }
}
