package io.switchboard.api;

/**
 * A test message for {@link ChannelConnector#simulate}: what a contact would send.
 *
 * @param endpoint the connector endpoint, e.g. {@code sms}
 * @param url the full public URL of that endpoint on the hub, which providers sign
 * @param from the sender's address
 * @param to the tenant's address; null lets the connector pick the tenant's first one
 * @param text the message text
 */
public record SimulatedMessage(String endpoint, String url, String from, String to, String text) {}
