package io.switchboard.runtime.cli;

import io.switchboard.api.ChannelConnector;
import io.switchboard.api.ChannelSettings;
import io.switchboard.api.SimulatedMessage;
import io.switchboard.api.WebhookRequest;
import io.switchboard.pluginloader.PluginCalls;
import io.switchboard.runtime.config.SwitchboardConfig;
import io.switchboard.runtime.plugin.PluginHost;
import io.switchboard.runtime.tenant.Tenant;
import io.switchboard.runtime.tenant.TenantRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code switchboard simulate}: sends a provider's request, signed as the provider would sign it. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Send a realistic, correctly signed provider webhook to a running hub.",
    subcommands = {SimulateCommand.Sms.class, SimulateCommand.WhatsApp.class, SimulateCommand.Voice.class,
        SimulateCommand.Stripe.class, SimulateCommand.Webhook.class, SimulateKafka.class, SimulateChat.class})
final class SimulateCommand implements Runnable {

  @Option(names = "--hub", paramLabel = "URL",
      description = "Where the hub listens (default: http://localhost:<switchboard.http.port>).")
  String hub;

  @Option(names = "--public-url", paramLabel = "URL",
      description = "The public base URL the provider signs (default: switchboard.public-url, else the --hub URL).")
  String publicUrl;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The option every simulation has: whose channel it goes through. */
  abstract static class TenantCommand implements Callable<Integer> {

    @ParentCommand
    SimulateCommand parent;

    @Option(names = "--tenant", required = true, description = "Tenant id, e.g. demo.")
    String tenant;
  }

  /** Who contacts whom through the tenant's Twilio channel: the options every Twilio simulation shares. */
  abstract static class TwilioContact extends TenantCommand {

    @Option(names = "--from", required = true, description = "Sender's (caller's) number, e.g. +15551230001.")
    String from;

    @Option(names = "--to", description = "The tenant's number (default: its first Twilio phone number).")
    String to;
  }

  /** The options of a message through the tenant's Twilio channel; subclasses name the endpoint. */
  abstract static class TwilioMessage extends TwilioContact {

    @Option(names = "--body", required = true, description = "Message text.")
    String body;

    abstract String endpoint();

    @Override
    public Integer call() throws Exception {
      return parent.send("twilio", endpoint(), tenant, from, to, body);
    }
  }

  /** {@code switchboard simulate sms}: an inbound SMS through the tenant's Twilio channel. */
  @Command(name = "sms", mixinStandardHelpOptions = true,
      description = {"Post an inbound SMS exactly as Twilio would: form fields, X-Twilio-Signature with the",
          "tenant's auth token, to /webhooks/<tenant>/twilio/sms. Prints the hub's answer."})
  static final class Sms extends TwilioMessage {
    @Override
    String endpoint() {
      return "sms";
    }
  }

  /** {@code switchboard simulate whatsapp}: an inbound WhatsApp message through the tenant's Twilio channel. */
  @Command(name = "whatsapp", mixinStandardHelpOptions = true,
      description = {"Post an inbound WhatsApp message exactly as Twilio would (From/To as whatsapp:+E164,",
          "ProfileName, WaId), signed with the tenant's auth token, to /webhooks/<tenant>/twilio/whatsapp."})
  static final class WhatsApp extends TwilioMessage {
    @Override
    String endpoint() {
      return "whatsapp";
    }
  }

  /**
   * {@code switchboard simulate webhook}: any connector's request, built and signed by the
   * connector itself ({@code ChannelConnector.simulate}), so every channel can be tried the same way.
   */
  @Command(name = "webhook", mixinStandardHelpOptions = true,
      description = {"Post the request a connector's provider would send, built and signed by the connector with",
          "the tenant's secrets: e.g. --connector email (a raw e-mail, X-Switchboard-Email-Signature),",
          "--connector whatsapp-cloud (Meta's JSON, X-Hub-Signature-256), --connector stripe (--from: a customer id,",
          "--body: the event type). Prints the hub's answer."})
  static final class Webhook extends TenantCommand {

    @Option(names = "--connector", required = true, description = "Connector id, e.g. email, whatsapp-cloud, twilio.")
    String connector;

    @Option(names = "--endpoint", description = "The connector's endpoint (default: its only one; required when it has several).")
    String endpoint;

    @Option(names = "--from", required = true, description = "The sender's address on the channel (number, e-mail address, ...).")
    String from;

    @Option(names = "--to", description = "The tenant's address (default: the connector picks the tenant's first).")
    String to;

    @Option(names = "--body", required = true, description = "Message text.")
    String body;

    @Override
    public Integer call() throws Exception {
      return parent.send(connector, endpoint, tenant, from, to, body);
    }
  }

  /**
   * {@code switchboard simulate stripe}: a Stripe event about one customer, built and signed by
   * the stripe connector with the tenant's {@code webhookSecret}, as Stripe posts it.
   */
  @Command(name = "stripe", mixinStandardHelpOptions = true,
      description = {"Post a Stripe event exactly as Stripe would (its JSON, Stripe-Signature: t=...,v1=... with the",
          "tenant's webhookSecret) to /webhooks/<tenant>/stripe/events, e.g. --event invoice.payment_failed",
          "--customer cus_123. The hub turns it into the contact's billing state. Prints the hub's answer."})
  static final class Stripe extends TenantCommand {

    @Option(names = "--event", paramLabel = "TYPE", defaultValue = "invoice.payment_failed",
        description = {"Event type (default: ${DEFAULT-VALUE}): customer.created|updated|deleted, invoice.paid,",
            "invoice.payment_failed, customer.subscription.created|updated|deleted, checkout.session.completed,",
            "charge.succeeded, charge.refunded, charge.dispute.created."})
    String event;

    @Option(names = "--customer", paramLabel = "ID", description = "The customer's id, e.g. cus_123 (default: a new one).")
    String customer;

    @Option(names = "--email", description = "The customer's e-mail address, where the event carries one (binds the contact).")
    String email;

    @Override
    public Integer call() throws Exception {
      if (customer != null && !customer.matches("cus_[A-Za-z0-9]+")) {
        System.err.println("--customer takes a Stripe customer id such as cus_123, not '" + customer + "'");
        return 2;
      }
      if (!event.matches("[a-z_]+(\\.[a-z_]+)+")) {
        System.err.println("--event takes a Stripe event type such as invoice.payment_failed, not '" + event + "'");
        return 2;
      }
      return parent.send("stripe", "events", tenant, customer, email, event);
    }
  }

  /**
   * {@code switchboard simulate voice}: a call to the tenant's Twilio number: the incoming call,
   * a choice at the menu's first node, or a transcribed voicemail.
   */
  @Command(name = "voice", mixinStandardHelpOptions = true,
      description = {"Post a Twilio voice request, signed with the tenant's auth token, and print the hub's answer.",
          "Without options: the incoming call to /webhooks/<tenant>/twilio/voice (prints the menu's TwiML).",
          "--press/--say: the caller's answer at the menu's start node (voice-gather; prints the next node).",
          "--voicemail: the transcript of a message left where the menu records (voice-transcription),",
          "which becomes a voice interaction and runs through the tenant's workflow."})
  static final class Voice extends TwilioContact {

    @Option(names = "--press", paramLabel = "KEYS", description = "Keys pressed at the start node's menu, e.g. 1.")
    String press;

    @Option(names = "--say", paramLabel = "WORDS", description = "Words said at the start node's menu, e.g. \"sales please\".")
    String say;

    @Option(names = "--voicemail", paramLabel = "TRANSCRIPT", description = "A voicemail's transcript.")
    String voicemail;

    @Override
    public Integer call() throws Exception {
      long given = java.util.stream.Stream.of(press, say, voicemail).filter(java.util.Objects::nonNull).count();
      if (given > 1) {
        System.err.println("Give at most one of --press, --say and --voicemail");
        return 2;
      }
      if (press != null && !press.matches("[0-9*#]{1,20}")) {
        System.err.println("--press takes keys 0-9, * and #, e.g. --press 1");
        return 2;
      }
      String endpoint = voicemail != null ? "voice-transcription" : given == 1 ? "voice-gather" : "voice";
      String text = voicemail != null ? voicemail : press != null ? press : say;
      return parent.send("twilio", endpoint, tenant, from, to, text);
    }
  }

  int send(String connectorId, String endpoint, String tenantId, String from, String to, String text) throws Exception {
    SwitchboardConfig config = SwitchboardConfig.fromEnvironment();
    Tenant tenant = tenant(config, tenantId);
    if (tenant == null) {
      return 2;
    }
    ChannelSettings settings = tenant.channel(connectorId).orElse(null);
    if (settings == null) {
      System.err.println("Tenant '" + tenantId + "' has no '" + connectorId + "' channel configured");
      return 2;
    }
    String hubBase = hubBase(config);
    String signedBase = strip(publicUrl != null ? publicUrl : config.get(SwitchboardConfig.PUBLIC_URL).orElse(hubBase));
    String path;
    WebhookRequest request;
    try (PluginHost plugins = new PluginHost(config.path(SwitchboardConfig.PLUGINS_DIR),
        id -> io.switchboard.runtime.SwitchboardRuntime.pluginContext(config, id, null))) {
      plugins.start();
      ChannelConnector connector = plugins.connector(connectorId).orElse(null);
      if (connector == null) {
        System.err.println("No '" + connectorId + "' connector plugin in " + config.path(SwitchboardConfig.PLUGINS_DIR));
        return 2;
      }
      if (endpoint == null) {
        Set<String> endpoints = connector.endpoints();
        if (endpoints.size() != 1) {
          System.err.println("Connector '" + connectorId + "' has several endpoints " + new java.util.TreeSet<>(endpoints)
              + "; say which with --endpoint");
          return 2;
        }
        endpoint = endpoints.iterator().next();
      } else if (!connector.endpoints().contains(endpoint)) {
        System.err.println("Connector '" + connectorId + "' has no endpoint '" + endpoint + "'; it serves "
            + new java.util.TreeSet<>(connector.endpoints()));
        return 2;
      }
      path = "/webhooks/" + tenantId + "/" + connectorId + "/" + endpoint;
      SimulatedMessage message = new SimulatedMessage(endpoint, signedBase + path, from, to, text);
      try {
        request = PluginCalls.call(connector, () -> connector.simulate(message, settings));
      } catch (UnsupportedOperationException | IllegalStateException | IllegalArgumentException e) {
        // the connector cannot simulate, or the tenant file lacks what it needs (an auth token, a number,
        // a voice menu): the message says what to add, never a secret's value
        System.err.println("Cannot simulate " + endpoint + " for tenant '" + tenantId + "': " + e.getMessage());
        return 2;
      }
    }
    // the connector may address a callback with a query string (a voice call's place in the menu)
    String target = hubBase + path;
    if (request.url().startsWith(signedBase + path)) {
      target = hubBase + request.url().substring(signedBase.length());
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target))
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
    Set<String> restricted = Set.of("host", "content-length", "connection");
    request.headers().forEach((k, v) -> {
      if (!restricted.contains(k.toLowerCase(java.util.Locale.ROOT))) {
        b.header(k, v);
      }
    });
    HttpResponse<String> response;
    try {
      response = HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      System.err.println("Cannot reach the hub at " + hubBase + " (is 'switchboard run' running?)");
      return 1;
    }
    System.out.println("POST " + target + " -> " + response.statusCode());
    System.out.println(response.body());
    return response.statusCode() / 100 == 2 ? 0 : 1;
  }

  /** The tenant of that id from the hub's tenant files; null, after saying so, when there is none. */
  static Tenant tenant(SwitchboardConfig config, String tenantId) throws io.switchboard.runtime.tenant.TenantConfigException {
    Tenant tenant = TenantRegistry.load(config.path(SwitchboardConfig.TENANTS_DIR), System.getenv()).find(tenantId).orElse(null);
    if (tenant == null) {
      System.err.println("No tenant '" + tenantId + "' in " + config.path(SwitchboardConfig.TENANTS_DIR));
    }
    return tenant;
  }

  /** The running hub's base URL: --hub, else localhost at switchboard.http.port. */
  String hubBase(SwitchboardConfig config) {
    return strip(hub != null ? hub : "http://localhost:" + config.require(SwitchboardConfig.HTTP_PORT));
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
