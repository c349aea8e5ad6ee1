package io.switchboard.plugins.example;

import org.pf4j.Plugin;

/**
 * The PF4J plugin class named by {@code plugin.class}. It holds no state: the hub finds the
 * extensions ({@link KeywordsStepFactory}, {@link ExampleJsonConnector}) through their
 * {@code @Extension} index. Override {@code start()}/{@code stop()} only for resources the plugin
 * owns as a whole, and release in {@code stop()} what {@code start()} opened.
 */
public class ExamplePlugin extends Plugin {

  public ExamplePlugin() {
    super();
  }
}
