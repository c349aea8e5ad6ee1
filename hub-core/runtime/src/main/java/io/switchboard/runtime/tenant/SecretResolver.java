package io.switchboard.runtime.tenant;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves secret references in tenant files: {@code ${env:NAME}} or {@code ${env:NAME:-default}}
 * take the value from the environment; anything else is a literal.
 */
public final class SecretResolver {

  private static final Pattern REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?}");

  private final Map<String, String> env;

  /** Whether a value is a reference ({@code ${env:NAME}}), which may be shown, rather than a literal secret. */
  public static boolean isReference(String raw) {
    return raw != null && REF.matcher(raw.trim()).matches();
  }

  public SecretResolver(Map<String, String> env) {
    this.env = env;
  }

  /**
   * The value a reference stands for.
   *
   * @param where the field path, for the error message
   * @throws TenantConfigException when a referenced variable is unset and has no default
   */
  public String resolve(String raw, String where) throws TenantConfigException {
    if (raw == null) {
      return null;
    }
    Matcher m = REF.matcher(raw.trim());
    if (!m.matches()) {
      if (raw.contains("${")) {
        throw new TenantConfigException(where + ": '" + raw.replaceAll("(?<=\\$\\{).*", "...")
            + "' is not a valid reference; write ${env:NAME} or ${env:NAME:-default}");
      }
      return raw;
    }
    String value = env.get(m.group(1));
    if (value != null && !value.isEmpty()) {
      return value;
    }
    if (m.group(2) != null) {
      return m.group(2);
    }
    throw new TenantConfigException(where + ": environment variable " + m.group(1) + " is not set");
  }
}
