package io.switchboard.runtime.tenant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.api.ChannelSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The tenants the hub serves, loaded from {@code config/tenants/*.yaml}. Thread-safe. */
public final class TenantRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(TenantRegistry.class);
  static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  static final Pattern STEP_NAME = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*");

  private static final ObjectMapper YAML = new ObjectMapper(
      YAMLFactory.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final Map<String, Tenant> tenants;

  private TenantRegistry(Map<String, Tenant> tenants) {
    this.tenants = Map.copyOf(tenants);
  }

  public static TenantRegistry of(Tenant... tenants) {
    Map<String, Tenant> m = new LinkedHashMap<>();
    for (Tenant t : tenants) {
      m.put(t.id(), t);
    }
    return new TenantRegistry(m);
  }

  /**
   * Loads every {@code *.yaml} file in {@code dir}.
   *
   * @throws TenantConfigException listing every problem in every file, each naming its file
   */
  public static TenantRegistry load(Path dir, Map<String, String> env) throws TenantConfigException {
    if (!Files.isDirectory(dir)) {
      throw new TenantConfigException("tenants directory " + dir + " does not exist (switchboard.tenants-dir)");
    }
    SecretResolver secrets = new SecretResolver(env);
    Map<String, Tenant> out = new TreeMap<>();
    List<String> errors = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new TenantConfigException("cannot list tenants directory " + dir + ": " + e.getMessage());
    }
    for (Path file : files) {
      try {
        Tenant t = parse(file, secrets);
        out.put(t.id(), t);
      } catch (TenantConfigException e) {
        errors.add(e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new TenantConfigException(String.join("\n", errors));
    }
    LOG.info("Loaded {} tenant(s) from {}: {}", out.size(), dir, out.keySet());
    return new TenantRegistry(out);
  }

  static Tenant parse(Path file, SecretResolver secrets) throws TenantConfigException {
    String fileName = file.getFileName().toString();
    String expectedId = fileName.substring(0, fileName.length() - ".yaml".length());
    TenantFile tf;
    try {
      tf = YAML.readValue(file.toFile(), TenantFile.class);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
      throw new TenantConfigException(file + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new TenantConfigException(file + ": cannot read: " + e.getMessage());
    }
    if (tf == null) {
      throw new TenantConfigException(file + ": the file is empty; it must declare at least 'id'");
    }
    if (tf.id() == null) {
      throw new TenantConfigException(file + ": 'id' is required; it must equal the file name '" + expectedId + "'");
    }
    if (!TENANT_ID.matcher(tf.id()).matches()) {
      throw new TenantConfigException(file + ": id '" + tf.id()
          + "' must be lower-case letters, digits and dashes (1-63 characters)");
    }
    if (!tf.id().equals(expectedId)) {
      throw new TenantConfigException(file + ": id '" + tf.id() + "' must match the file name '" + expectedId + "'");
    }
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < tf.apiKeys().size(); i++) {
      keys.add(secrets.resolve(tf.apiKeys().get(i), file + ": apiKeys[" + i + "]"));
    }
    Map<String, ChannelSettings> channels = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Object>> ch : tf.channels().entrySet()) {
      Map<String, Object> values = new LinkedHashMap<>(ch.getValue() == null ? Map.of() : ch.getValue());
      Object rawSecrets = values.remove("secrets");
      Map<String, String> resolved = new LinkedHashMap<>();
      if (rawSecrets instanceof Map<?, ?> sm) {
        for (Map.Entry<?, ?> e : sm.entrySet()) {
          String where = file + ": channels." + ch.getKey() + ".secrets." + e.getKey();
          resolved.put(String.valueOf(e.getKey()), secrets.resolve(String.valueOf(e.getValue()), where));
        }
      } else if (rawSecrets != null) {
        throw new TenantConfigException(file + ": channels." + ch.getKey() + ".secrets must be a map of name: value");
      }
      channels.put(ch.getKey(), new ChannelSettings(tf.id(), values, resolved));
    }
    List<Tenant.StepSpec> steps = new ArrayList<>();
    for (int i = 0; i < tf.workflow().steps().size(); i++) {
      TenantFile.StepEntry e = tf.workflow().steps().get(i);
      if (e == null || e.step() == null || !STEP_NAME.matcher(e.step()).matches()) {
        throw new TenantConfigException(file + ": workflow.steps[" + i + "].step must be a step name such as"
            + " 'ai.sentiment' (lower-case words separated by dots)");
      }
      steps.add(new Tenant.StepSpec(e.step(), e.config()));
    }
    for (String p : tf.plugins()) {
      if (p == null || !TENANT_ID.matcher(p).matches()) {
        throw new TenantConfigException(file + ": plugins: '" + p + "' is not a plugin id (lower-case letters, digits, dashes)");
      }
    }
    return new Tenant(tf.id(), tf.name() == null ? tf.id() : tf.name(), keys, channels, tf.plugins(), steps);
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
