/**
 * The Twilio connector plugin ({@code twilio}): inbound SMS/MMS ({@code /webhooks/<tenant>/twilio/sms})
 * and WhatsApp ({@code /webhooks/<tenant>/twilio/whatsapp}) webhooks, verified with the Twilio SDK's
 * request validator, parsed into the hub's canonical messages (WhatsApp's {@code whatsapp:+E164}
 * addresses become plain E.164 numbers) and answered with empty TwiML; message status callbacks
 * ({@code status}) as delivery receipts; a voice IVR ({@code voice} and the callbacks its TwiML
 * names) answered from the tenant's {@code channels.twilio.ivr} menu ({@link
 * io.switchboard.plugins.twilio.IvrMenu}), whose gathered answers, recordings, transcripts and call
 * ends become {@code voice} interactions; replies on SMS and WhatsApp through Twilio's Messages API
 * with each tenant's own account ({@link io.switchboard.plugins.twilio.TwilioMessagesApi}: not
 * idempotent, a retried reply after a timeout can reach the contact twice); {@code switchboard
 * simulate sms|whatsapp|voice} through the connector's simulator. Plugin settings
 * {@code switchboard.plugins.twilio.api-base-url} and {@code request-timeout-ms}. See docs/channels.md.
 */
package io.switchboard.plugins.twilio;
