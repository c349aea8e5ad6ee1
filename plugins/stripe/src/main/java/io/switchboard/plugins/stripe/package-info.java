/**
 * The Stripe connector, {@code stripe}: webhooks signed with {@code Stripe-Signature} and verified
 * with stripe-java ({@link io.switchboard.plugins.stripe.StripeConnector}), their events turned
 * into billing facts about a contact ({@link io.switchboard.plugins.stripe.BillingEvents}), and the
 * {@code stripe.customer} and {@code stripe.checkout} actions performed with the tenant's own API
 * key ({@link io.switchboard.plugins.stripe.StripeActions}).
 */
package io.switchboard.plugins.stripe;
