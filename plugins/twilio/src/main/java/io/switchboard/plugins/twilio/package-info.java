/**
 * The Twilio connector plugin: inbound SMS webhooks, verified with the Twilio SDK's request
 * validator, parsed into the hub's canonical messages and answered with empty TwiML.
 */
package io.switchboard.plugins.twilio;
