package io.switchboard.plugins.twilio;

import org.pf4j.Plugin;

/** The PF4J plugin that contributes the Twilio SMS, WhatsApp and voice connector ({@link TwilioSmsConnector}) to the hub. */
public class TwilioPlugin extends Plugin {

  public TwilioPlugin() {
    super();
  }
}
