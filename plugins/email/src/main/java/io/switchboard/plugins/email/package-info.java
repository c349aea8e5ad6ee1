/**
 * The email connector ({@link io.switchboard.plugins.email.EmailConnector}, id {@code email}):
 * signed raw RFC 822 messages in through an inbound-parse webhook, replies out over SMTP with the
 * tenant's own server, threaded with {@code In-Reply-To} and {@code References}.
 */
package io.switchboard.plugins.email;
