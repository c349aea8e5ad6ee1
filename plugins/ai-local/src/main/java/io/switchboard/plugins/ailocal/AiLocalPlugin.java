package io.switchboard.plugins.ailocal;

import org.pf4j.Plugin;

/** The PF4J plugin class of {@code ai-local}. */
public class AiLocalPlugin extends Plugin {

  public AiLocalPlugin() {
    super();
  }
}
