package io.switchboard.plugins.email;

import org.pf4j.Plugin;

/**
 * The PF4J plugin class named by {@code plugin.class}. It holds no state: the hub finds
 * {@link EmailConnector} through its {@code @Extension} index.
 */
public class EmailPlugin extends Plugin {

  public EmailPlugin() {
    super();
  }
}
