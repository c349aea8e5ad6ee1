package io.switchboard.runtime.tenant;

/** A tenant file that cannot be used, with a message naming the file and the field. */
public class TenantConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  public TenantConfigException(String message) {
    super(message);
  }
}
