package io.switchboard.runtime.tenant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.api.ChannelSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a parsed tenant file into a {@link Tenant}: resolves its secret references from the
 * environment and keeps a redacted copy of the file for the API. Every problem is located in the
 * file like the parser's.
 */
public final class TenantLoader {

  /** What literal secrets are shown as. */
  public static final String REDACTED = "<redacted>";

  private final SecretResolver secrets;

  public TenantLoader(Map<String, String> env) {
    this.secrets = new SecretResolver(env);
  }

  /** The outcome of loading one file: the tenant, or what is wrong with the file. */
  public record Result(Path file, String tenantId, TenantFileParser.Parsed parsed, Tenant tenant,
      List<ConfigProblem> problems) {
    public boolean ok() {
      return tenant != null;
    }
  }

  public Result load(Path file) {
    return load(TenantFileParser.parse(file));
  }

  public Result load(TenantFileParser.Parsed parsed) {
    String id = TenantFileParser.expectedId(parsed.file());
    if (!parsed.ok()) {
      return new Result(parsed.file(), id, parsed, null, parsed.problems());
    }
    TenantFile tf = parsed.model();
    List<ConfigProblem> problems = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < tf.apiKeys().size(); i++) {
      resolve(tf.apiKeys().get(i), "apiKeys[" + i + "]", problems).ifPresent(keys::add);
    }
    Map<String, ChannelSettings> channels = new LinkedHashMap<>();
    tf.channels().forEach((connector, ch) -> {
      Map<String, String> resolved = new LinkedHashMap<>();
      TenantFile.Channel c = ch == null ? new TenantFile.Channel() : ch;
      c.secrets().forEach((name, raw) -> resolve(raw, "channels." + connector + ".secrets." + name, problems)
          .ifPresent(v -> resolved.put(name, v)));
      channels.put(connector, new ChannelSettings(tf.id(), c.values(), resolved));
    });
    Map<String, String> named = new LinkedHashMap<>();
    tf.secrets().forEach((name, raw) -> resolve(raw, "secrets." + name, problems).ifPresent(v -> named.put(name, v)));
    List<ConfigProblem> located = problems.stream().map(p -> p.locate(parsed.file(), parsed.locations())).toList();
    if (!located.isEmpty()) {
      return new Result(parsed.file(), id, parsed, null, located);
    }
    Tenant t = new Tenant(tf, keys, channels, named, new Tenant.Source(parsed.file(), parsed.digest(), redact(parsed.tree()), parsed.locations()));
    return new Result(parsed.file(), id, parsed, t, List.of());
  }

  private java.util.Optional<String> resolve(String raw, String path, List<ConfigProblem> problems) {
    try {
      return java.util.Optional.ofNullable(secrets.resolve(raw, path));
    } catch (TenantConfigException e) {
      // the resolver's message starts with the path, which the problem carries itself
      String m = e.getMessage();
      problems.add(ConfigProblem.at(path, m.startsWith(path + ": ") ? m.substring(path.length() + 2) : m));
      return java.util.Optional.empty();
    }
  }

  /** The file with every literal secret (API keys, channel secrets) replaced; references are kept. */
  static JsonNode redact(JsonNode tree) {
    ObjectNode copy = tree.deepCopy();
    if (copy.get("apiKeys") instanceof ArrayNode keys) {
      for (int i = 0; i < keys.size(); i++) {
        keys.set(i, redacted(keys.get(i)));
      }
    }
    if (copy.get("secrets") instanceof ObjectNode named) {
      named.fields().forEachRemaining(e -> e.setValue(redacted(e.getValue())));
    }
    if (copy.get("channels") instanceof ObjectNode channels) {
      channels.fields().forEachRemaining(ch -> {
        if (ch.getValue() instanceof ObjectNode c && c.get("secrets") instanceof ObjectNode s) {
          s.fields().forEachRemaining(e -> e.setValue(redacted(e.getValue())));
        }
      });
    }
    return copy;
  }

  private static JsonNode redacted(JsonNode value) {
    String text = value.isTextual() ? value.textValue().trim() : "";
    if (!SecretResolver.isReference(text)) {
      return com.fasterxml.jackson.databind.node.TextNode.valueOf(REDACTED);
    }
    // a reference's default is a literal secret too
    int dflt = text.indexOf(":-");
    return com.fasterxml.jackson.databind.node.TextNode.valueOf(dflt < 0 ? text : text.substring(0, dflt) + ":-" + REDACTED + "}");
  }
}
