package io.switchboard.plugins.whatsapp;

import org.pf4j.Plugin;

/**
 * The PF4J plugin class named by {@code plugin.class}. It holds no state: the hub finds
 * {@link WhatsAppCloudConnector} through its {@code @Extension} index.
 */
public class WhatsAppCloudPlugin extends Plugin {

  public WhatsAppCloudPlugin() {
    super();
  }
}
