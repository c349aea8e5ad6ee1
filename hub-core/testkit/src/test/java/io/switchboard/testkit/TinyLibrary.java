package io.switchboard.testkit;

/** Stands for a third-party library a plugin uses. */
public final class TinyLibrary {

  private TinyLibrary() {}

  public static String name() {
    return "needs-library";
  }
}
