package io.switchboard.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.switchboard.api.Contact;
import io.switchboard.api.Interaction;
import io.switchboard.runtime.pipeline.PhoneNumbers;
import io.switchboard.runtime.tenant.ConfigProblem;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantDirectory;
import io.switchboard.runtime.util.Json;
import io.switchboard.runtime.workflow.TenantWorkflows;
import io.switchboard.runtime.workflow.WorkflowItem;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The workflow part of the REST API: a tenant's effective configuration with its version and load
 * errors, a dry run of a sample interaction, and the tenant-file JSON Schema.
 */
public final class WorkflowApi {

  private static final int MAX_TEXT = 4096;

  private final TenantDirectory directory;
  private final TenantWorkflows workflows;
  private final DataSource dataSource;
  private final PhoneNumbers phones;
  private final Supplier<JsonNode> schema;

  public WorkflowApi(TenantDirectory directory, TenantWorkflows workflows, DataSource dataSource, PhoneNumbers phones,
      Supplier<JsonNode> schema) {
    this.directory = directory;
    this.workflows = workflows;
    this.dataSource = dataSource;
    this.phones = phones;
    this.schema = schema;
  }

  /** The JSON Schema of tenant files, with the steps of the plugins installed now. */
  public JsonNode schema() {
    return schema.get();
  }

  /** {@code GET /api/v1/tenants/{tenant}/workflow}. */
  public Map<String, Object> describe(String tenantId) {
    Tenant t = directory.registry().find(tenantId)
        .orElseThrow(() -> ApiError.notFound("unknown_tenant", "no tenant '" + tenantId + "' on this hub"));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tenant", t.id());
    var installed = workflows.get(t.id());
    var state = directory.state(t.id());
    out.put("status", state.map(TenantDirectory.FileState::status).orElse("active"));
    out.put("version", installed.map(TenantWorkflows.Installed::version).orElse(0));
    out.put("digest", t.source().digest());
    out.put("loadedAt", installed.map(i -> i.installedAt().toString()).orElse(null));
    out.put("file", t.source().file() == null ? null : t.source().file().getFileName().toString());
    out.put("route", TenantWorkflows.routeId(t.id()));
    out.put("routes", installed.map(i -> i.workflow().routes().stream().map(r -> r.routeId()).toList()).orElse(List.of()));
    out.put("configuration", t.source().redacted());
    List<ConfigProblem> problems = state.map(TenantDirectory.FileState::problems).orElse(List.of());
    out.put("errors", problems.stream().map(WorkflowApi::problem).toList());
    return out;
  }

  private static Map<String, Object> problem(ConfigProblem p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", p.file() == null ? null : java.nio.file.Path.of(p.file()).getFileName().toString());
    m.put("line", p.line());
    m.put("column", p.column());
    m.put("path", p.path());
    m.put("message", p.message());
    return m;
  }

  /**
   * {@code POST /api/v1/tenants/{tenant}/workflow/dry-run}: runs a sample interaction through the
   * tenant's current workflow with {@code dryRun} set, writing nothing: the contact is looked up, not
   * created; actions are reported, not performed; nothing is stored or published.
   */
  public Map<String, Object> dryRun(String tenantId, byte[] body) throws InterruptedException {
    Tenant t = directory.registry().find(tenantId)
        .orElseThrow(() -> ApiError.notFound("unknown_tenant", "no tenant '" + tenantId + "' on this hub"));
    JsonNode req = JsonBodies.object(body, "{\"channel\":\"sms\",\"from\":\"+15551230001\",\"text\":\"I want a refund\"}");
    for (var it = req.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!List.of("channel", "connector", "from", "to", "text", "attributes", "contact").contains(f)) {
        throw ApiError.badRequest("unknown_field", "unknown field '" + f
            + "'; a sample takes channel, connector, from, to, text, attributes and contact");
      }
    }
    String channel = text(req, "channel", true);
    String from = text(req, "from", true);
    String message = req.path("text").asText("");
    if (message.length() > MAX_TEXT) {
      throw ApiError.badRequest("invalid_field", "'text' is longer than " + MAX_TEXT + " characters");
    }
    String connector = Optional.ofNullable(text(req, "connector", false))
        .orElse(t.channels().keySet().stream().findFirst().orElse("test"));
    Map<String, String> attributes = new LinkedHashMap<>();
    req.path("attributes").fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
    Lookup lookup = contact(t.id(), from, req.path("contact"));
    Contact contact = lookup.contact();
    Interaction interaction = new Interaction(UUID.randomUUID(), t.id(), channel, "inbound", contact.id(), null,
        from, text(req, "to", false), message, Instant.now(), attributes);
    WorkflowItem item = new WorkflowItem(interaction, contact, connector, t.variables(), Map.of());
    Optional<TenantWorkflows.Ran> ran = workflows.run(t.id(), List.of(item), true);
    if (ran.isEmpty()) {
      var w = workflows.workflow(t.id());
      throw ApiError.unavailable("workflow_unavailable", "tenant '" + t.id() + "' workflow cannot run: "
          + (w == null ? "not loaded yet" : String.join("; ", w.errors())), 5);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tenant", t.id());
    out.put("version", ran.get().version());
    out.put("digest", ran.get().digest());
    out.put("contact", Map.of("id", contact.id() == null ? "" : contact.id().toString(), "known", lookup.known()));
    out.put("signals", item.signals());
    out.put("scores", item.scores());
    out.put("trace", item.trace());
    out.put("branches", item.trace().stream().filter(x -> "branch".equals(x.outcome()))
        .map(x -> Map.of("node", x.node(), "taken", x.detail())).toList());
    out.put("actions", item.actions());
    out.put("stopped", item.stopped());
    if (item.failure() != null) {
      out.put("failed", Map.of("step", item.failure().step(), "error", item.failure().getMessage()));
    }
    return out;
  }

  /** A sample's contact, and whether the hub already has it. */
  private record Lookup(Contact contact, boolean known) {}

  private static String text(JsonNode req, String field, boolean required) {
    return JsonBodies.text(req, field, required);
  }

  /** The stored contact with this address (read only), with the sample's fields laid over it. */
  private Lookup contact(String tenantId, String from, JsonNode given) {
    if (!given.isMissingNode() && !given.isObject()) {
      throw ApiError.badRequest("invalid_field", "'contact' must be an object of displayName, email, attributes");
    }
    String phone = phones.contactAddress(from);
    UUID id = null;
    String email = null;
    String name = null;
    Map<String, Object> attributes = new LinkedHashMap<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
        "select id, phone, email, display_name, attributes::text from contacts where tenant_id = ? and phone = ?")) {
      ps.setString(1, tenantId);
      ps.setString(2, phone);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          id = rs.getObject(1, UUID.class);
          email = rs.getString(3);
          name = rs.getString(4);
          attributes.putAll(Json.MAPPER.readValue(rs.getString(5), Json.MAP));
        }
      }
    } catch (SQLException | java.io.IOException e) {
      throw ApiError.unavailable("store_unavailable", "the contact could not be looked up right now", 5);
    }
    boolean known = id != null;
    if (given.isObject()) {
      for (var it = given.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!List.of("displayName", "email", "attributes").contains(f)) {
          throw ApiError.badRequest("unknown_field", "unknown field 'contact." + f + "'; use displayName, email, attributes");
        }
      }
      name = given.hasNonNull("displayName") ? given.get("displayName").asText() : name;
      email = given.hasNonNull("email") ? given.get("email").asText() : email;
      if (given.get("attributes") instanceof com.fasterxml.jackson.databind.node.ObjectNode a) {
        attributes.putAll(Json.MAPPER.convertValue(a, Json.MAP));
      }
    }
    return new Lookup(new Contact(id == null ? UUID.randomUUID() : id, phone.startsWith("+") ? phone : null, email, name,
        attributes), known);
  }
}
