package io.switchboard.runtime.tenant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A snapshot of the tenants the hub serves. Immutable: a change of tenant files yields a new
 * registry ({@link #with}, {@link #without}), swapped in as a whole.
 */
public final class TenantRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(TenantRegistry.class);

  private final Map<String, Tenant> tenants;

  private TenantRegistry(Map<String, Tenant> tenants) {
    this.tenants = java.util.Collections.unmodifiableMap(new TreeMap<>(tenants));
  }

  public static TenantRegistry of(Tenant... tenants) {
    Map<String, Tenant> m = new LinkedHashMap<>();
    for (Tenant t : tenants) {
      m.put(t.id(), t);
    }
    return new TenantRegistry(m);
  }

  /** The tenant files of a directory: its {@code *.yaml} files, sorted. */
  public static List<Path> files(Path dir) throws TenantConfigException {
    if (!Files.isDirectory(dir)) {
      throw new TenantConfigException("tenants directory " + dir + " does not exist (switchboard.tenants-dir)");
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(TenantRegistry::isTenantFile).sorted().toList();
    } catch (IOException e) {
      throw new TenantConfigException("cannot list tenants directory " + dir + ": " + e.getMessage());
    }
  }

  /** Whether a path names a tenant file ({@code <id>.yaml}, not hidden). */
  public static boolean isTenantFile(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".yaml") && !name.startsWith(".");
  }

  /**
   * Loads every tenant file in {@code dir}, all or nothing: for tools such as {@code simulate} that
   * need every tenant. The hub itself loads file by file ({@link TenantLoader}) so that one bad file
   * does not stop the others.
   *
   * @throws TenantConfigException listing every problem in every file, each located
   */
  public static TenantRegistry load(Path dir, Map<String, String> env) throws TenantConfigException {
    TenantLoader loader = new TenantLoader(env);
    Map<String, Tenant> out = new TreeMap<>();
    List<ConfigProblem> problems = new ArrayList<>();
    for (Path file : files(dir)) {
      TenantLoader.Result r = loader.load(file);
      if (r.ok()) {
        out.put(r.tenant().id(), r.tenant());
      } else {
        problems.addAll(r.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new TenantConfigException(problems);
    }
    LOG.info("Loaded {} tenant(s) from {}: {}", out.size(), dir, out.keySet());
    return new TenantRegistry(out);
  }

  /** This registry with {@code tenant} added or replacing the tenant of its id. */
  public TenantRegistry with(Tenant tenant) {
    Map<String, Tenant> m = new TreeMap<>(tenants);
    m.put(tenant.id(), tenant);
    return new TenantRegistry(m);
  }

  /** This registry without the tenant of that id. */
  public TenantRegistry without(String id) {
    Map<String, Tenant> m = new TreeMap<>(tenants);
    m.remove(id);
    return new TenantRegistry(m);
  }

  public Optional<Tenant> find(String id) {
    return Optional.ofNullable(tenants.get(id));
  }

  public Iterable<Tenant> all() {
    return tenants.values();
  }

  /** The tenant that owns an API key, if any. */
  public Optional<Tenant> byApiKey(String key) {
    if (key == null || key.isEmpty()) {
      return Optional.empty();
    }
    byte[] digest = Tenant.sha256(key);
    return tenants.values().stream().filter(t -> t.acceptsDigest(digest)).findFirst();
  }
}
