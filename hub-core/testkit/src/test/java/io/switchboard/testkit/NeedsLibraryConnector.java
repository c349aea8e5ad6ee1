package io.switchboard.testkit;

import org.pf4j.Extension;

/** A connector whose "library" ({@link TinyLibrary}) PluginArchiveTest leaves out of the zip. */
@Extension
public class NeedsLibraryConnector extends TinyConnector {

  private final String id = TinyLibrary.name();

  @Override
  public String id() {
    return id;
  }
}
