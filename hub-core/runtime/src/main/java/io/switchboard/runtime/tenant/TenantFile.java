package io.switchboard.runtime.tenant;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;

/**
 * The shape of {@code config/tenants/<id>.yaml} as people write it, before secrets are resolved: the
 * one source of truth for the tenant file. Jackson binds it strictly (unknown fields and duplicate
 * keys are errors), Jakarta Validation checks the constraints declared here, and the JSON Schema in
 * {@code config/schema/tenant.schema.json} is generated from these same classes.
 *
 * @param id the tenant id; must equal the file name without {@code .yaml}
 * @param name a display name
 * @param plan the tenant's plan
 * @param limits what the hub lets this tenant send it
 * @param apiKeys keys for the REST API
 * @param channels connector id to its settings
 * @param secrets the tenant's named secrets that steps refer to by name (a webhook's signing key)
 * @param plugins ids of the plugins whose steps the workflow uses
 * @param routes route templates from {@code routes/} to run for this tenant
 * @param workflow what happens to each inbound interaction
 * @param schedules the tenant's scheduled jobs (health recalculation, stale leads, dead-letter retry, surveys)
 */
public record TenantFile(
    @JsonProperty(value = "id", required = true)
    @JsonPropertyDescription("The tenant id: lower-case letters, digits and dashes; equal to the file name without .yaml")
    @NotNull(message = "is required; it must equal the file name")
    @Pattern(regexp = ID, message = "must be lower-case letters, digits and dashes (1-63 characters, starting with a letter or digit)")
    String id,

    @JsonProperty("name") @JsonPropertyDescription("A display name; defaults to the id")
    @Size(max = 200, message = "must be at most 200 characters")
    String name,

    @JsonProperty("plan") @JsonPropertyDescription("The tenant's plan; shown by the API and available to conditions as tenant.plan")
    Plan plan,

    @JsonProperty("limits") @JsonPropertyDescription("What the hub accepts from this tenant's providers")
    @Valid
    Limits limits,

    @JsonProperty("apiKeys")
    @JsonPropertyDescription("Keys for the REST API (Authorization: Bearer <key>): literals or ${env:NAME} references")
    List<@NotBlank(message = "must not be empty") String> apiKeys,

    @JsonProperty("channels")
    @JsonPropertyDescription("Connector id to its settings; secret values go under 'secrets' as ${env:NAME} references")
    Map<@Pattern(regexp = ID, message = "must be a connector id (lower-case letters, digits, dashes)") String,
        @Valid Channel> channels,

    @JsonProperty("secrets")
    @JsonPropertyDescription("Named secrets steps refer to by name (e.g. notify.webhook's secret): ${env:NAME} references")
    Map<@Pattern(regexp = NODE_ID, message = "must be a secret name (lower-case letters, digits, '_' and '-')") String,
        @NotBlank(message = "must be a value or an ${env:NAME} reference") String> secrets,

    @JsonProperty("plugins") @JsonPropertyDescription("Ids of the plugins whose steps the workflow uses")
    List<@NotNull(message = "must be a plugin id") @Pattern(regexp = ID, message = "must be a plugin id (lower-case letters, digits, dashes)") String> plugins,

    @JsonProperty("routes") @JsonPropertyDescription("Route templates from routes/*.camel.yaml to run for this tenant")
    List<@NotNull(message = "must be a route") @Valid RouteUse> routes,

    @JsonProperty("workflow") @JsonPropertyDescription("What happens to each inbound interaction")
    @Valid
    Workflow workflow,

    @JsonProperty("schedules")
    @JsonPropertyDescription("Scheduled jobs, run once across all hub instances (Quartz, clustered): cron expressions in the hub's time zone")
    @Valid
    Schedules schedules) {

  /** Tenant, plugin, connector and route ids. */
  public static final String ID = "[a-z0-9][a-z0-9-]{0,62}";
  /** Step names: lower-case words separated by dots. */
  public static final String STEP_NAME = "[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*";
  /** Ids of workflow nodes, shown in traces and Camel's management. */
  public static final String NODE_ID = "[a-z][a-z0-9_-]{0,62}";

  @JsonCreator
  public TenantFile {
    plan = plan == null ? Plan.standard : plan;
    limits = limits == null ? Limits.DEFAULT : limits;
    apiKeys = apiKeys == null ? List.of() : apiKeys;
    channels = channels == null ? Map.of() : channels;
    secrets = secrets == null ? Map.of() : secrets;
    plugins = plugins == null ? List.of() : plugins;
    routes = routes == null ? List.of() : routes;
    workflow = workflow == null ? new Workflow(List.of(), Map.of()) : workflow;
    schedules = schedules == null ? Schedules.NONE : schedules;
  }

  /**
   * The tenant's scheduled jobs; each is off unless declared.
   *
   * @param health recompute every contact's health score with the workflow's {@code score.health} settings
   * @param staleLeads find leads with no activity for some days and raise a {@code lead.stale} follow-up event
   * @param deadLetters retry the tenant's interactions dead-lettered because a step failed
   * @param surveys close idle conversations and send their contact an NPS survey
   */
  public record Schedules(
      @JsonProperty("health") @JsonPropertyDescription("Recompute every contact's health score (uses the workflow's score.health settings)")
      @Valid Job health,
      @JsonProperty("staleLeads") @JsonPropertyDescription("Raise lead.stale for leads with no activity for 'days' days")
      @Valid StaleLeads staleLeads,
      @JsonProperty("deadLetters") @JsonPropertyDescription("Retry interactions dead-lettered because a step failed")
      @Valid Job deadLetters,
      @JsonProperty("surveys") @JsonPropertyDescription("Close conversations idle for 'idleHours' and send an NPS survey")
      @Valid Surveys surveys) {
    public static final Schedules NONE = new Schedules(null, null, null, null);
  }

  /** The cron syntax of Quartz: seconds, minutes, hours, day of month, month, day of week, [year]. */
  public static final String CRON_HELP = "must be a Quartz cron expression (seconds minutes hours day-of-month month day-of-week), e.g. '0 0 3 * * ?'";

  /**
   * A job that runs on a schedule.
   *
   * @param cron when, as a Quartz cron expression
   */
  public record Job(
      @JsonProperty(value = "cron", required = true) @JsonPropertyDescription("When: a Quartz cron expression, e.g. '0 0 3 * * ?' for 03:00 daily")
      @NotNull(message = "is required: " + CRON_HELP) @Cron String cron) {}

  /**
   * Stale-lead analysis.
   *
   * @param cron when
   * @param days a lead is stale after this many days without an interaction
   * @param minScore only leads scoring at least this
   */
  public record StaleLeads(
      @JsonProperty(value = "cron", required = true) @JsonPropertyDescription("When: a Quartz cron expression")
      @NotNull(message = "is required: " + CRON_HELP) @Cron String cron,
      @JsonProperty("days") @JsonPropertyDescription("Days without an interaction after which a lead is stale; default 14")
      @Min(value = 1, message = "must be at least 1") @Max(value = 3650, message = "must be at most 3650") Integer days,
      @JsonProperty("minScore") @JsonPropertyDescription("Only leads whose lead score is at least this; default 50")
      @Min(value = 0, message = "must be from 0 to 100") @Max(value = 100, message = "must be from 0 to 100") Integer minScore) {
    public StaleLeads {
      days = days == null ? 14 : days;
      minScore = minScore == null ? 50 : minScore;
    }
  }

  /**
   * NPS surveys after a conversation closes.
   *
   * @param cron when to look for idle conversations
   * @param idleHours a conversation with no message for this long is closed and surveyed
   * @param text the survey question; the contact answers with a number from 0 to 10
   * @param answerHours how long after sending a reply counts as the answer
   */
  public record Surveys(
      @JsonProperty(value = "cron", required = true) @JsonPropertyDescription("When to look for idle conversations: a Quartz cron expression")
      @NotNull(message = "is required: " + CRON_HELP) @Cron String cron,
      @JsonProperty("idleHours") @JsonPropertyDescription("Hours without a message after which a conversation is closed and surveyed; default 24")
      @Min(value = 0, message = "must be at least 0") @Max(value = 720, message = "must be at most 720") Integer idleHours,
      @JsonProperty("text") @JsonPropertyDescription("The question sent; the contact answers 0-10")
      @Size(max = 1600, message = "must be at most 1600 characters") String text,
      @JsonProperty("answerHours") @JsonPropertyDescription("Hours after sending during which a 0-10 reply is taken as the answer; default 72")
      @Min(value = 1, message = "must be at least 1") @Max(value = 720, message = "must be at most 720") Integer answerHours) {
    public static final String DEFAULT_TEXT =
        "How likely are you to recommend us to a friend? Reply with a number from 0 (not at all) to 10 (extremely).";

    public Surveys {
      idleHours = idleHours == null ? 24 : idleHours;
      text = text == null || text.isBlank() ? DEFAULT_TEXT : text;
      answerHours = answerHours == null ? 72 : answerHours;
    }
  }

  /** A tenant's plan: a label for now, which conditions and the API can read. */
  public enum Plan { free, standard, enterprise }

  /**
   * What the hub accepts from the tenant's providers.
   *
   * @param inboundPerSecond webhook calls accepted per second (steady rate); above it the hub answers
   *     429 with Retry-After, and the provider retries
   * @param burst calls accepted at once above the steady rate
   * @param maxBodyBytes the largest webhook body accepted for this tenant; at most the hub's own limit
   */
  public record Limits(
      @JsonProperty("inboundPerSecond") @JsonPropertyDescription("Webhook calls accepted per second; above it the answer is 429")
      @Min(value = 1, message = "must be at least 1") @Max(value = 100_000, message = "must be at most 100000")
      Integer inboundPerSecond,
      @JsonProperty("burst") @JsonPropertyDescription("Calls accepted at once above the steady rate; defaults to inboundPerSecond")
      @Min(value = 1, message = "must be at least 1") @Max(value = 100_000, message = "must be at most 100000")
      Integer burst,
      @JsonProperty("maxBodyBytes") @JsonPropertyDescription("Largest webhook body accepted for this tenant, in bytes")
      @Min(value = 1024, message = "must be at least 1024") @Max(value = 16 << 20, message = "must be at most 16777216")
      Integer maxBodyBytes) {
    /** No limits beyond the hub's own. */
    public static final Limits DEFAULT = new Limits(null, null, null);
  }

  /**
   * One connector's settings. Plain values are free-form for the connector to read; secrets are
   * kept apart so that they are resolved from the environment and never shown.
   */
  public static final class Channel {
    private final Map<String, Object> values = new java.util.LinkedHashMap<>();
    private Map<String, String> secrets = Map.of();

    @JsonProperty("secrets")
    @JsonPropertyDescription("Secret settings (auth tokens, app secrets): ${env:NAME} or ${env:NAME:-default} references")
    public Map<String, String> secrets() {
      return secrets;
    }

    @JsonProperty("secrets")
    void secrets(Map<String, String> secrets) {
      this.secrets = secrets == null ? Map.of() : secrets;
    }

    /** Every setting but the secrets. */
    @com.fasterxml.jackson.annotation.JsonAnyGetter
    public Map<String, Object> values() {
      return values;
    }

    @com.fasterxml.jackson.annotation.JsonAnySetter
    void value(String key, Object value) {
      values.put(key, value);
    }
  }

  /**
   * A route template from {@code routes/} run for this tenant, as route {@code tenant-<tenant>.<id>}.
   *
   * @param template the template's id in {@code routes/*.camel.yaml}
   * @param id the route's id within the tenant; defaults to the template's id
   * @param parameters the template's parameters; {@code tenant} is always set to the tenant's id
   */
  public record RouteUse(
      @JsonProperty(value = "template", required = true) @JsonPropertyDescription("The route template's id in routes/*.camel.yaml")
      @NotBlank(message = "is required: the id of a routeTemplate in routes/*.camel.yaml")
      String template,
      @JsonProperty("id") @JsonPropertyDescription("The route's id within the tenant; defaults to the template's id")
      @Pattern(regexp = ID, message = "must be lower-case letters, digits and dashes")
      String id,
      @JsonProperty("parameters") @JsonPropertyDescription("The template's parameters (tenant is set by the hub)")
      Map<String, String> parameters) {
    @JsonCreator
    public RouteUse {
      parameters = parameters == null ? Map.of() : parameters;
    }
  }

  /**
   * The tenant's workflow.
   *
   * @param steps the nodes run, in order, over every interaction
   * @param channels per-channel overrides: an interaction on a channel listed here runs that
   *     channel's steps instead of the default ones
   */
  public record Workflow(
      @JsonProperty("steps") @JsonPropertyDescription("The nodes every interaction runs through, in order")
      List<@NotNull(message = "must be a step, a choice or a stop") @Valid Node> steps,
      @JsonProperty("channels")
      @JsonPropertyDescription("Per-channel overrides: interactions on these channels run these steps instead")
      Map<@Pattern(regexp = "[a-z][a-z0-9_-]{0,31}", message = "must be a channel name such as sms, whatsapp, email") String,
          @NotNull(message = "must have steps") @Valid ChannelWorkflow> channels) {
    @JsonCreator
    public Workflow {
      steps = steps == null ? List.of() : steps;
      channels = channels == null ? Map.of() : channels;
    }

    /** Every node, in every variant and branch, that runs the step of this name; in file order. */
    public List<Node> stepsNamed(String name) {
      List<Node> out = new java.util.ArrayList<>();
      collect(steps, name, out);
      channels.values().forEach(c -> collect(c.steps(), name, out));
      return out;
    }

    private static void collect(List<Node> nodes, String name, List<Node> out) {
      if (nodes == null) {
        return;
      }
      for (Node n : nodes) {
        if (n == null) {
          continue;
        }
        if (name.equals(n.step())) {
          out.add(n);
        }
        if (n.choice() != null) {
          if (n.choice().when() != null) {
            n.choice().when().forEach(b -> collect(b == null ? null : b.steps(), name, out));
          }
          collect(n.choice().otherwise(), name, out);
        }
      }
    }
  }

  /**
   * The steps of one channel's override.
   *
   * @param steps the nodes run, in order, over this channel's interactions
   */
  public record ChannelWorkflow(
      @JsonProperty(value = "steps", required = true) @JsonPropertyDescription("The nodes this channel's interactions run through")
      @NotNull(message = "is required")
      List<@NotNull(message = "must be a step, a choice or a stop") @Valid Node> steps) {}

  /** What a node does when its step fails after the hub's retries. */
  public enum OnError {
    /** Dead-letter the interaction (the default): nothing of it is stored until it is replayed. */
    fail,
    /** Record the failure under {@code signals.errors.<node>} and go on with the next node. */
    @com.fasterxml.jackson.annotation.JsonProperty("continue") CONTINUE
  }

  /**
   * One node of a workflow: exactly one of {@code step}, {@code choice} and {@code stop}.
   *
   * @param step run the step of this name (from the hub or one of the tenant's plugins)
   * @param choice take the first branch whose condition holds
   * @param stop end the workflow for this interaction (it is still stored)
   * @param id the node's name in traces and metrics; defaults to its position and step name
   * @param when a condition (CEL) over interaction, contact, signals, scores and tenant; the node
   *     runs only where it is true
   * @param config the step's configuration, checked against the step's own schema
   * @param onError for steps: fail (dead-letter) or continue
   */
  public record Node(
      @JsonProperty("step") @JsonPropertyDescription("Run the step of this name")
      @Pattern(regexp = STEP_NAME, message = "must be a step name such as ai.sentiment (lower-case words separated by dots)")
      String step,
      @JsonProperty("choice") @JsonPropertyDescription("Take the first branch whose condition holds, else 'otherwise'")
      @Valid Choice choice,
      @JsonProperty("stop") @JsonPropertyDescription("End the workflow here for this interaction; it is still stored")
      @Valid Stop stop,
      @JsonProperty("id") @JsonPropertyDescription("The node's name in traces and metrics")
      @Pattern(regexp = NODE_ID, message = "must be lower-case letters, digits, '_' and '-', starting with a letter")
      String id,
      @JsonProperty("when")
      @JsonPropertyDescription("A CEL condition over interaction, contact, signals, scores and tenant; the node runs only where it is true")
      @Size(min = 1, max = 2000, message = "must be a CEL expression of 1 to 2000 characters")
      String when,
      @JsonProperty("config") @JsonPropertyDescription("The step's configuration")
      JsonNode config,
      @JsonProperty("onError") @JsonPropertyDescription("fail: dead-letter the interaction (default); continue: record the error and go on")
      OnError onError) {

    /** Which of step, choice and stop this node is. */
    public enum Kind { STEP, CHOICE, STOP }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public Kind kind() {
      return step != null ? Kind.STEP : choice != null ? Kind.CHOICE : Kind.STOP;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    @AssertTrue(message = "must have exactly one of 'step', 'choice' or 'stop'")
    public boolean isOneKind() {
      return (step != null ? 1 : 0) + (choice != null ? 1 : 0) + (stop != null ? 1 : 0) == 1;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    @AssertTrue(message = "'config' and 'onError' belong to steps; a choice or a stop has none")
    public boolean isConfigOnSteps() {
      return step != null || (config == null && onError == null);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    @AssertTrue(message = "a choice has no 'when' of its own: put each condition on one of its branches")
    public boolean isWhenNotOnChoice() {
      return choice == null || when == null;
    }
  }

  /**
   * A choice between branches.
   *
   * @param when the branches, tried in order; the first whose condition holds is taken
   * @param otherwise the steps when no branch's condition holds; none when absent
   */
  public record Choice(
      @JsonProperty(value = "when", required = true) @JsonPropertyDescription("The branches, tried in order")
      @NotEmpty(message = "must list at least one branch (condition and steps)")
      List<@NotNull(message = "must be a branch with 'condition' and 'steps'") @Valid Branch> when,
      @JsonProperty("otherwise") @JsonPropertyDescription("The steps when no branch's condition holds")
      List<@NotNull(message = "must be a step, a choice or a stop") @Valid Node> otherwise) {
    @JsonCreator
    public Choice {
      otherwise = otherwise == null ? List.of() : otherwise;
    }
  }

  /**
   * One branch of a choice.
   *
   * @param condition a CEL condition
   * @param id the branch's name in traces; defaults to its position
   * @param steps the nodes run when the branch is taken
   */
  public record Branch(
      @JsonProperty(value = "condition", required = true) @JsonPropertyDescription("A CEL condition")
      @NotNull(message = "is required: a CEL condition such as signals.sentiment.label == 'negative'")
      @Size(min = 1, max = 2000, message = "must be a CEL expression of 1 to 2000 characters")
      String condition,
      @JsonProperty("id") @JsonPropertyDescription("The branch's name in traces")
      @Pattern(regexp = NODE_ID, message = "must be lower-case letters, digits, '_' and '-', starting with a letter")
      String id,
      @JsonProperty(value = "steps", required = true) @JsonPropertyDescription("The nodes run when the branch is taken")
      @NotNull(message = "is required: the nodes to run when the condition holds")
      List<@NotNull(message = "must be a step, a choice or a stop") @Valid Node> steps) {}

  /**
   * Ends the workflow for the interaction: nodes after it do not run; the interaction is stored.
   *
   * @param reason why, shown in traces
   */
  public record Stop(
      @JsonProperty("reason") @JsonPropertyDescription("Why the workflow stops here, shown in traces")
      @Size(max = 200, message = "must be at most 200 characters")
      String reason) {}
}
