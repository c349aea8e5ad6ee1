/**
 * The WhatsApp Cloud API (Meta) connector, {@code whatsapp-cloud}: Meta's GET verification
 * handshake, webhooks signed with {@code X-Hub-Signature-256} ({@link
 * io.switchboard.plugins.whatsapp.WhatsAppCloudConnector}), their payload
 * ({@link io.switchboard.plugins.whatsapp.WebhookPayload}) and replies through the Graph API
 * ({@link io.switchboard.plugins.whatsapp.GraphClient}).
 */
package io.switchboard.plugins.whatsapp;
