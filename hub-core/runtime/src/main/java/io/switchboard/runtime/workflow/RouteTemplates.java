package io.switchboard.runtime.workflow;

import io.switchboard.runtime.tenant.ConfigProblem;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteTemplateParameterDefinition;

/**
 * The route templates of {@code routes/*.camel.yaml} (loaded into the hub's Camel context with the
 * YAML DSL) as tenants use them: a tenant's {@code routes:} entry names a template and its
 * parameters, and runs as route {@code tenant-<tenant>.<id>}. Checked when the tenant file loads,
 * so a missing template or parameter is an error in the file, not a failure at run time.
 */
public final class RouteTemplates {

  /** The parameter every template gets: the tenant's id. */
  public static final String TENANT_PARAMETER = "tenant";

  /**
   * A template use, checked.
   *
   * @param routeId the Camel route id, {@code tenant-<tenant>.<id>}
   */
  public record Use(String templateId, String routeId, Map<String, Object> parameters) {}

  private final Supplier<CamelContext> camel;

  /** @param camel the context the templates were loaded into (its model holds them) */
  public RouteTemplates(Supplier<CamelContext> camel) {
    this.camel = camel;
  }

  /** The route id of a tenant's templated route. */
  public static String routeId(String tenantId, String id) {
    // a dot, not a dash: tenant ids have dashes, so 'tenant-acme-eu' must not look like a route of 'acme'
    return "tenant-" + tenantId + "." + id;
  }

  /** The prefix of every route id that belongs to a tenant's templates. */
  public static String routePrefix(String tenantId) {
    return "tenant-" + tenantId + ".";
  }

  /** Checks the tenant's template uses, adding a problem for each one that cannot run. */
  public List<Use> check(Tenant tenant, List<ConfigProblem> problems) {
    List<Use> out = new ArrayList<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < tenant.routes().size(); i++) {
      TenantFile.RouteUse r = tenant.routes().get(i);
      String path = "routes[" + i + "]";
      RouteTemplateDefinition def = definition(r.template());
      if (def == null) {
        problems.add(ConfigProblem.at(path + ".template", "no route template '" + r.template() + "' in routes/*.camel.yaml"
            + known()));
        continue;
      }
      String id = r.id() == null ? r.template() : r.id();
      if (!ids.add(id)) {
        problems.add(ConfigProblem.at(path + ".id", "'" + id + "' names another of the tenant's routes too; give each an id"));
        continue;
      }
      Map<String, Object> params = new LinkedHashMap<>(r.parameters());
      if (params.containsKey(TENANT_PARAMETER)) {
        problems.add(ConfigProblem.at(path + ".parameters." + TENANT_PARAMETER, "is set by the hub to the tenant's id; remove it"));
        continue;
      }
      params.put(TENANT_PARAMETER, tenant.id());
      List<String> declared = new ArrayList<>();
      for (RouteTemplateParameterDefinition p : def.getTemplateParameters()) {
        declared.add(p.getName());
        if (p.isRequired() && p.getDefaultValue() == null && !params.containsKey(p.getName())) {
          problems.add(ConfigProblem.at(path + ".parameters", "template '" + r.template() + "' needs parameter '" + p.getName()
              + "'" + (p.getDescription() == null ? "" : " (" + p.getDescription() + ")")));
        }
      }
      for (String given : r.parameters().keySet()) {
        if (!declared.contains(given)) {
          problems.add(ConfigProblem.at(path + ".parameters." + given, "template '" + r.template() + "' has no parameter '"
              + given + "'; it takes " + declared));
        }
      }
      out.add(new Use(r.template(), routeId(tenant.id(), id), params));
    }
    return out;
  }

  private RouteTemplateDefinition definition(String id) {
    CamelContext c = camel.get();
    return c == null ? null : ((ModelCamelContext) c).getRouteTemplateDefinition(id);
  }

  private String known() {
    CamelContext c = camel.get();
    if (c == null) {
      return "";
    }
    List<String> ids = ((ModelCamelContext) c).getRouteTemplateDefinitions().stream().map(RouteTemplateDefinition::getId).toList();
    return ids.isEmpty() ? " (there are none)" : "; there are " + ids;
  }
}
