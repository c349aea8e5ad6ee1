package io.switchboard.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The hub's version, from the build. Plugins declare which hub versions they require against it. */
public final class Version {

  public static final String HUB = read();

  private Version() {}

  private static String read() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      String v = p.getProperty("version", "0.0.0");
      // PF4J compares plain semantic versions; drop the -SNAPSHOT qualifier.
      return v.replace("-SNAPSHOT", "");
    } catch (IOException e) {
      return "0.0.0";
    }
  }
}
