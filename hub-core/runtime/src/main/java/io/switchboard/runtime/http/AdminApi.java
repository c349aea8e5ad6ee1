package io.switchboard.runtime.http;

import io.switchboard.runtime.plugin.PluginAdmin;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;

/**
 * The admin side of the REST API: plugin lifecycle while the hub runs. It takes the hub's admin key
 * ({@code switchboard.admin.api-key}), never a tenant's key.
 */
public final class AdminApi {

  private final PluginAdmin plugins;
  private final byte[] adminKey;
  private final int maxArchiveBytes;

  /** @param adminKey the configured admin key; empty disables the admin API */
  public AdminApi(PluginAdmin plugins, String adminKey, int maxArchiveBytes) {
    this.plugins = plugins;
    this.adminKey = adminKey == null ? new byte[0] : adminKey.getBytes(StandardCharsets.UTF_8);
    this.maxArchiveBytes = maxArchiveBytes;
  }

  public int maxArchiveBytes() {
    return maxArchiveBytes;
  }

  /** @throws ApiError 403 when no admin key is configured, 401 without the right one */
  public void authorize(String authorization) {
    if (adminKey.length == 0) {
      throw new ApiError(403, "admin_disabled",
          "the admin API is disabled on this hub; set switchboard.admin.api-key (SWITCHBOARD_ADMIN_API_KEY) to enable it");
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiError(401, "unauthorized", "send the hub's admin key as 'Authorization: Bearer <key>'");
    }
    byte[] presented = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(digest(presented), digest(adminKey))) {
      throw new ApiError(401, "unauthorized", "the admin key is not valid (tenant API keys do not work here)");
    }
  }

  public Map<String, Object> list() {
    return Map.of("items", plugins.list());
  }

  public PluginAdmin.PluginView install(byte[] archive) {
    return call(() -> plugins.install(archive));
  }

  public PluginAdmin.PluginView enable(String id) {
    return call(() -> plugins.enable(id));
  }

  public PluginAdmin.PluginView disable(String id) {
    return call(() -> plugins.disable(id));
  }

  public void remove(String id) {
    call(() -> {
      plugins.remove(id);
      return null;
    });
  }

  public PluginAdmin.PluginView get(String id) {
    List<PluginAdmin.PluginView> all = plugins.list();
    return all.stream().filter(p -> p.id().equals(id)).findFirst()
        .orElseThrow(() -> ApiError.notFound("plugin_not_found", "no plugin '" + id + "' is installed"));
  }

  private interface Call<T> {
    T run() throws PluginAdmin.PluginRejectedException;
  }

  private static <T> T call(Call<T> c) {
    try {
      return c.run();
    } catch (PluginAdmin.PluginRejectedException e) {
      throw new ApiError(e.status(), e.code(), e.getMessage());
    }
  }

  private static byte[] digest(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
