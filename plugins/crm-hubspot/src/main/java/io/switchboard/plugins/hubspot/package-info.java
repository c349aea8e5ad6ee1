/**
 * HubSpot CRM for Switchboard: {@link io.switchboard.plugins.hubspot.HubSpotConnector} takes
 * HubSpot's signed (v3) webhooks in as contact updates, {@link io.switchboard.plugins.hubspot.HubSpotActions}
 * upserts contacts and creates tasks and notes through the REST API with the tenant's private-app
 * token, and {@link io.switchboard.plugins.hubspot.CrmWebhookConnector} is a generic shared-secret
 * webhook for other CRMs.
 */
package io.switchboard.plugins.hubspot;
