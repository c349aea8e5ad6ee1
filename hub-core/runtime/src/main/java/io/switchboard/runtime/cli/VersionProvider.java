package io.switchboard.runtime.cli;

import io.switchboard.runtime.Version;
import picocli.CommandLine;

/** Prints the hub's version for {@code --version}. */
public final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"Switchboard " + Version.HUB};
  }
}
