package io.switchboard.api;

import java.util.List;
import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * A channel provider's way into the hub: the webhook endpoints it serves, how it verifies and
 * parses what the provider sends, and what it answers once the hub has safely queued the messages.
 *
 * <p>The hub serves every endpoint at {@code POST /webhooks/{tenant}/{id()}/{endpoint}} and calls,
 * in order, {@link #verify}, {@link #parse} and, only after every parsed message has been appended
 * to the inbound log, {@link #acknowledge}. A connector never sees another tenant's settings.
 * Providers that confirm a callback URL with a {@code GET} handshake before posting to it (Meta's
 * {@code hub.challenge}) are answered by {@link #challenge}.
 *
 * <p>Threading: one instance serves all tenants and is called concurrently from many request
 * threads; implementations must be stateless or thread-safe. No method may block on remote calls.
 */
public interface ChannelConnector extends ExtensionPoint {

  /** Stable identifier used in webhook paths and tenant files, e.g. {@code twilio}. Never null. */
  String id();

  /** The endpoint names this connector serves under its id, e.g. {@code sms}. Never empty. */
  Set<String> endpoints();

  /**
   * Checks that the request really comes from the provider, using the tenant's secrets.
   *
   * @throws WebhookException with status 401 or 403 when the signature is missing or wrong
   */
  void verify(WebhookRequest request, ChannelSettings settings) throws WebhookException;

  /**
   * Turns a verified request into the inbound messages it carries (usually one).
   *
   * @return the messages, possibly empty for provider callbacks that carry none; never null
   * @throws WebhookException with status 400 when the body is not what the provider sends
   */
  List<InboundMessage> parse(WebhookRequest request, ChannelSettings settings) throws WebhookException;

  /**
   * The answer the provider expects after the messages are queued (TwiML, an empty 200, ...).
   * Called for duplicates too: a provider retrying a message must get the same answer.
   */
  WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted);

  /**
   * The answer, when it depends on the tenant's configuration (a voice call's IVR menu is built
   * from the tenant's settings). The hub calls this one; the default ignores the settings. It must
   * be computed from configuration only, never from a remote call: the provider is waiting.
   */
  default WebhookResponse acknowledge(WebhookRequest request, List<InboundMessage> accepted, ChannelSettings settings) {
    return acknowledge(request, accepted);
  }

  /**
   * What the hub consumes for this tenant when the channel is polled rather than pushed (an IMAP
   * mailbox). The hub registers the source's Camel component (the plugin's own copy, e.g.
   * camel-mail's, which the hub does not ship) under a name of its own, consumes the source's
   * endpoint with it, turns each exchange into bytes with {@link PollSource#body} and hands them to
   * {@link #parse} as the body of a {@code POLL} request (no {@link #verify}: the hub fetched it
   * itself with the tenant's credentials); the messages are then queued exactly like a webhook's.
   * When they cannot be queued the exchange fails, so the source keeps the item for the next poll.
   * Empty (the default) when the tenant's settings ask for no polling.
   *
   * @throws IllegalStateException when the settings ask for polling but lack what it needs
   */
  default java.util.Optional<PollSource> pollSource(ChannelSettings settings) {
    return java.util.Optional.empty();
  }

  /**
   * A polled source: a Camel component and the endpoint of it to consume.
   *
   * <p>Implementations must not expose credentials through {@code toString}; the hub logs only the
   * sanitised form of {@link #remainder}.
   */
  interface PollSource {

    /** A new instance of the component that fetches the source (e.g. camel-mail's {@code MailComponent}). */
    org.apache.camel.Component component();

    /**
     * The endpoint URI after its scheme, e.g. {@code //imap.acme.example:993?username=...}; the hub
     * prefixes the name it registered the component under.
     */
    String remainder();

    /** The exchange's message as the bytes {@link #parse} reads (a mail in its RFC 822 wire form). */
    byte[] body(org.apache.camel.Message message) throws Exception;

    /** The Content-Type the hub gives the {@code POLL} request, e.g. {@code message/rfc822}. */
    String contentType();
  }

  /**
   * Answers a {@code GET} to one of the connector's endpoints: the verification handshake some
   * providers make before they post to a callback URL (Meta sends {@code hub.mode},
   * {@code hub.verify_token} and {@code hub.challenge} in the query string and expects the
   * challenge echoed back). The hub resolves the tenant, the connector, the endpoint and the
   * tenant's settings exactly as for a POST, stores nothing, and answers what this returns.
   * {@code request.url()} carries the query string; the body is empty.
   *
   * <p>Optional: connectors whose provider makes no handshake keep this default, which refuses
   * with {@code 405 method_not_allowed}, the answer GET got before the method existed.
   *
   * @return the answer, 2xx (e.g. the challenge as {@code text/plain})
   * @throws WebhookException 4xx when the handshake is not the provider's or its token is wrong
   *     (403); its message must never contain the token
   */
  default WebhookResponse challenge(WebhookRequest request, ChannelSettings settings) throws WebhookException {
    throw new WebhookException(405, "method_not_allowed", "connector '" + id() + "' accepts POST only");
  }

  /**
   * Sends a message to a contact through the provider (the connector's outbound direction), with
   * the tenant's own credentials. Called from the pipeline's action threads, never from a webhook
   * request; it may block on the provider's API but must honour {@link PluginContext#httpClient}
   * timeouts. Optional: connectors without an outbound direction keep this default.
   *
   * @throws WebhookException when the provider refuses the message (its status and reason)
   * @throws UnsupportedOperationException when the connector cannot send
   */
  default OutboundMessage.Sent send(OutboundMessage message, ChannelSettings settings) throws WebhookException {
    throw new UnsupportedOperationException("connector '" + id() + "' cannot send messages");
  }

  /**
   * Builds the request the provider would send for a test message, signed with the tenant's
   * secrets, so that {@code switchboard simulate} exercises exactly the production path.
   * Optional: connectors that cannot simulate keep this default.
   *
   * @throws UnsupportedOperationException when the connector has no simulator
   */
  default WebhookRequest simulate(SimulatedMessage message, ChannelSettings settings) {
    throw new UnsupportedOperationException("connector '" + id() + "' cannot simulate requests");
  }
}
