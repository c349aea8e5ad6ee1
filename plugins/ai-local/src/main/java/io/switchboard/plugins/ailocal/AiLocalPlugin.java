package io.switchboard.plugins.ailocal;

import org.pf4j.Plugin;

/**
 * The PF4J plugin class of {@code ai-local}. The steps share the plugin's models through
 * {@link PluginResources} (the ONNX session, cached example embeddings, Lingua detectors), each
 * created on first use; {@link #stop()} releases them, so that a stopped plugin holds no native
 * session and no language models.
 */
public class AiLocalPlugin extends Plugin {

  public AiLocalPlugin() {
    super();
  }

  @Override
  public void stop() {
    PluginResources.get().close();
  }
}
