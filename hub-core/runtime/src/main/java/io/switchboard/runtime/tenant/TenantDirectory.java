package io.switchboard.runtime.tenant;

import io.switchboard.runtime.workflow.CompiledWorkflow;
import io.switchboard.runtime.workflow.TenantWorkflows;
import io.switchboard.runtime.workflow.WorkflowCompiler;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tenants directory, live: loads every tenant file, then watches the directory and applies each
 * change on its own. A changed file is parsed, validated and compiled; if anything is wrong the
 * change is rejected (its problems logged and kept for the API) and the previous version keeps
 * running; otherwise the new version is swapped in atomically ({@link TenantWorkflows#install}). A
 * removed file disables its tenant: its webhooks answer 404 and what was already queued for it is
 * parked for replay. Thread-safe; changes are applied one at a time.
 */
public final class TenantDirectory implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TenantDirectory.class);

  /**
   * What the hub knows of one tenant file.
   *
   * @param tenantId the id the file name gives
   * @param file the file
   * @param status {@code active} (running its latest version), {@code rejected} (its latest change
   *     was refused; the previous version runs), {@code invalid} (never loaded), {@code unavailable}
   *     (loaded, but its workflow cannot run: a plugin is missing; interactions are parked),
   *     {@code removed}
   * @param digest the digest of the file content last looked at
   * @param activeDigest the digest of the version running, or null
   * @param problems the problems of the file content last looked at
   * @param changedAt when the file content last looked at was applied or rejected
   */
  public record FileState(String tenantId, Path file, String status, String digest, String activeDigest,
      List<ConfigProblem> problems, Instant changedAt) {}

  private final Path dir;
  private final TenantLoader loader;
  private final WorkflowCompiler compiler;
  private final TenantWorkflows workflows;
  private final Map<String, FileState> states = new TreeMap<>();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile TenantRegistry registry = TenantRegistry.of();
  private volatile Thread watcher;
  private volatile boolean running;
  private final Duration pollEvery;

  /**
   * @param pollEvery how often the directory is also rescanned, for file systems whose change
   *     notifications are late or missing (network mounts, some container volumes)
   */
  public TenantDirectory(Path dir, TenantLoader loader, WorkflowCompiler compiler, TenantWorkflows workflows,
      Duration pollEvery) {
    this.dir = dir;
    this.loader = loader;
    this.compiler = compiler;
    this.workflows = workflows;
    this.pollEvery = pollEvery;
  }

  /** The tenants now being served. */
  public TenantRegistry registry() {
    return registry;
  }

  /** Called after each applied change (a tenant added, replaced or removed), on the watcher's thread. */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  public synchronized Optional<FileState> state(String tenantId) {
    return Optional.ofNullable(states.get(tenantId));
  }

  /** Tenant files that are not running their latest content, with why. */
  public synchronized Map<String, List<String>> failures() {
    Map<String, List<String>> out = new TreeMap<>();
    states.values().stream().filter(s -> !s.problems().isEmpty())
        .forEach(s -> out.put(s.tenantId(), s.problems().stream().map(ConfigProblem::toString).toList()));
    return out;
  }

  /** Loads every file now, then keeps watching. */
  public void start() throws Exception {
    if (!Files.isDirectory(dir)) {
      throw new TenantConfigException("tenants directory " + dir + " does not exist (switchboard.tenants-dir)");
    }
    rescan();
    running = true;
    Thread t = new Thread(this::watch, "switchboard-tenant-watcher");
    t.setDaemon(true);
    watcher = t;
    t.start();
  }

  /** Compiles every tenant again (after plugins changed) and installs the results, runnable or not. */
  public synchronized void recompileAll() {
    for (Tenant t : registry.all()) {
      CompiledWorkflow w = compiler.compile(t);
      try {
        workflows.install(w);
        FileState s = states.get(t.id());
        if (s != null) {
          states.put(t.id(), new FileState(t.id(), s.file(), status(w, s), s.digest(), t.source().digest(),
              located(t, w), s.changedAt()));
        }
      } catch (Exception e) {
        LOG.error("Could not install tenant {} workflow after a plugin change: {}", t.id(), e.toString(), e);
      }
    }
  }

  private static String status(CompiledWorkflow w, FileState s) {
    if ("rejected".equals(s.status()) && !s.digest().equals(w.digest())) {
      return "rejected";
    }
    return w.isRunnable() ? "active" : "unavailable";
  }

  /** Looks at every file once and applies what changed; the watcher calls it, tests may too. */
  public synchronized void rescan() {
    List<Path> files;
    try {
      files = TenantRegistry.files(dir);
    } catch (TenantConfigException e) {
      LOG.warn("Cannot read the tenants directory: {}", e.getMessage());
      return;
    }
    Set<String> present = new HashSet<>();
    boolean changed = false;
    for (Path f : files) {
      String id = TenantFileParser.expectedId(f);
      present.add(id);
      String digest = digest(f);
      FileState s = states.get(id);
      if (s != null && s.digest().equals(digest) && !"removed".equals(s.status())) {
        continue;
      }
      changed |= apply(f, s);
    }
    for (FileState s : new ArrayList<>(states.values())) {
      if (!present.contains(s.tenantId()) && !"removed".equals(s.status())) {
        changed |= remove(s);
      }
    }
    if (changed) {
      listeners.forEach(Runnable::run);
    }
  }

  /** Applies one file's new content; true when the served tenants changed. */
  private boolean apply(Path file, FileState previous) {
    String id = TenantFileParser.expectedId(file);
    boolean starting = previous == null && watcher == null;
    TenantLoader.Result r = loader.load(file);
    String digest = r.parsed().digest();
    boolean live = registry.find(id).isPresent();
    if (!r.ok()) {
      reject(id, file, digest, r.problems(), live);
      return false;
    }
    Tenant t = r.tenant();
    CompiledWorkflow w = compiler.compile(t);
    List<ConfigProblem> problems = located(t, w);
    if (!w.isRunnable() && !starting) {
      // an edit that does not compile: keep what runs
      reject(id, file, digest, problems, live);
      return false;
    }
    try {
      workflows.install(w);
    } catch (Exception e) {
      reject(id, file, digest, List.of(new ConfigProblem(file.toString(), 0, 0, "",
          "the workflow could not be installed: " + e)), live);
      return false;
    }
    registry = registry.with(t);
    states.put(id, new FileState(id, file, w.isRunnable() ? "active" : "unavailable", digest, digest, problems, Instant.now()));
    if (w.isRunnable()) {
      LOG.info("Tenant {} {} from {}", id, previous == null || "removed".equals(previous.status()) ? "loaded" : "reloaded", file);
    } else {
      LOG.error("Tenant {} is loaded but its workflow cannot run; its interactions are parked until fixed:\n  {}", id,
          String.join("\n  ", problems.stream().map(ConfigProblem::toString).toList()));
    }
    return true;
  }

  private void reject(String id, Path file, String digest, List<ConfigProblem> problems, boolean live) {
    FileState before = states.get(id);
    String active = live && before != null ? before.activeDigest() : null;
    states.put(id, new FileState(id, file, live ? "rejected" : "invalid", digest, active, problems, Instant.now()));
    LOG.error("Tenant file {} {}:\n  {}", file, live ? "rejected; the previous version keeps running" : "is invalid; the tenant is not served",
        String.join("\n  ", problems.stream().map(ConfigProblem::toString).toList()));
  }

  private boolean remove(FileState s) {
    boolean live = registry.find(s.tenantId()).isPresent();
    registry = registry.without(s.tenantId());
    try {
      workflows.uninstall(s.tenantId());
    } catch (Exception e) {
      LOG.error("Could not remove tenant {} workflow routes: {}", s.tenantId(), e.toString());
    }
    states.put(s.tenantId(), new FileState(s.tenantId(), s.file(), "removed", "", null, List.of(), Instant.now()));
    LOG.warn("Tenant file {} removed: tenant {} is disabled (webhooks answer 404; queued messages are parked)",
        s.file(), s.tenantId());
    return live;
  }

  /** The compile problems placed in the tenant's file. */
  private static List<ConfigProblem> located(Tenant t, CompiledWorkflow w) {
    if (t.source().file() == null) {
      return w.problems();
    }
    return w.problems().stream().map(p -> p.locate(t.source().file(), t.source().locations())).toList();
  }

  private static byte[] readQuietly(Path f) {
    try {
      return Files.readAllBytes(f);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static String digest(Path f) {
    return TenantFileParser.sha256(readQuietly(f));
  }

  private void watch() {
    try (WatchService ws = FileSystems.getDefault().newWatchService()) {
      dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
      while (running) {
        WatchKey key = ws.poll(pollEvery.toMillis(), TimeUnit.MILLISECONDS);
        if (key != null) {
          key.pollEvents();
          key.reset();
          // editors write a file in several steps: let them finish
          Thread.sleep(150);
          WatchKey more;
          while ((more = ws.poll()) != null) {
            more.pollEvents();
            more.reset();
          }
        }
        try {
          rescan();
        } catch (RuntimeException e) {
          LOG.error("Applying tenant file changes failed: {}", e.toString(), e);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.error("Cannot watch the tenants directory {}; changes are not applied: {}", dir, e.toString());
    }
  }

  @Override
  public void close() {
    running = false;
    Thread t = watcher;
    if (t != null) {
      t.interrupt();
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
