package io.switchboard.plugins.twilio;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookRequest;
import io.switchboard.testkit.ConnectorTester;
import io.switchboard.testkit.WebhookResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The voice endpoints through the test kit, the way the hub's ingress runs them, with the fields
 * Twilio posts (its "TwiML voice webhook" request parameters: CallSid, AccountSid, From, To,
 * CallStatus, Direction, Caller/Called and their locations; Gather's Digits, SpeechResult and
 * Confidence; Record's RecordingUrl, RecordingSid, RecordingDuration; the transcribeCallback's
 * Transcription* fields; the status callback's CallDuration), answered from the menu in
 * src/test/resources/ivr-menu.yaml.
 */
class TwilioVoiceTest {

  static final String TOKEN = "v0ice-auth-t0ken-123";
  static final String ACCOUNT = "AC0123456789abcdef0123456789abcdef";
  static final String CALL = "CA5f3c2b1a0e9d8c7b6a5f4e3d2c1b0a99";
  static final String RECORDING = "RE0a1b2c3d4e5f60718293a4b5c6d7e8f9";
  static final String BASE = "https://hub.example.com/webhooks/acme/twilio/";

  private final ConnectorTester tester = tester(Twiml.menu());

  static ConnectorTester tester(Object menu) {
    ConnectorTester.Builder b = ConnectorTester.builder(new TwilioSmsConnector())
        .tenant("acme")
        .publicUrl("https://hub.example.com")
        .value("accountSid", ACCOUNT)
        .value("phoneNumbers", List.of("+15550006000"))
        .secret("authToken", TOKEN);
    if (menu != null) {
      b.value("ivr", menu);
    }
    return b.build();
  }

  /** The fields Twilio sends with every voice request, in its order. */
  static Map<String, String> call(String status) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("AccountSid", ACCOUNT);
    f.put("ApiVersion", "2010-04-01");
    f.put("CallSid", CALL);
    f.put("CallStatus", status);
    f.put("Called", "+15550006000");
    f.put("CalledCity", "SAN FRANCISCO");
    f.put("CalledCountry", "US");
    f.put("CalledState", "CA");
    f.put("CalledZip", "94107");
    f.put("Caller", "+447700900123");
    f.put("CallerCity", "");
    f.put("CallerCountry", "GB");
    f.put("CallerState", "");
    f.put("CallerZip", "");
    f.put("Direction", "inbound");
    f.put("From", "+447700900123");
    f.put("FromCity", "");
    f.put("FromCountry", "GB");
    f.put("FromState", "");
    f.put("FromZip", "");
    f.put("To", "+15550006000");
    f.put("ToCity", "SAN FRANCISCO");
    f.put("ToCountry", "US");
    f.put("ToState", "CA");
    f.put("ToZip", "94107");
    return f;
  }

  static Map<String, String> with(Map<String, String> fields, String... pairs) {
    Map<String, String> f = new LinkedHashMap<>(fields);
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] == null) {
        f.remove(pairs[i]);
      } else {
        f.put(pairs[i], pairs[i + 1]);
      }
    }
    return f;
  }

  /** A request signed as Twilio signs it: the full URL, query string included, and the sorted fields. */
  static WebhookRequest signed(ConnectorTester t, String endpointAndQuery, Map<String, String> fields) {
    String url = t.url(endpointAndQuery);
    return ConnectorTester.form(url, fields, "X-Twilio-Signature", TwilioSignature.sign(TOKEN, url, fields));
  }

  private WebhookResult post(String endpointAndQuery, Map<String, String> fields) {
    return post(tester, endpointAndQuery, fields);
  }

  static WebhookResult post(ConnectorTester t, String endpointAndQuery, Map<String, String> fields) {
    int q = endpointAndQuery.indexOf('?');
    String endpoint = q < 0 ? endpointAndQuery : endpointAndQuery.substring(0, q);
    return t.post(endpoint, signed(t, endpointAndQuery, fields));
  }

  private static Twiml twiml(WebhookResult r) {
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.contentType()).isEqualTo("text/xml");
    return Twiml.of(r.body());
  }

  private static WebhookResult refused(WebhookResult r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.queued()).isEmpty();
    assertThat(r.message()).doesNotContain(TOKEN);
    return r;
  }

  @Test
  void anIncomingCallIsAnsweredWithTheStartNodesGatherAndStoresNothing() {
    WebhookResult r = post("voice", call("ringing"));

    Twiml t = twiml(r);
    assertThat(r.messages()).isEmpty();
    assertThat(t.verbs()).containsExactly("Gather");
    assertThat(t.at("/Response/Gather/@action")).isEqualTo(BASE + "voice-gather?node=main&path=main");
    assertThat(t.at("/Response/Gather/@method")).isEqualTo("POST");
    assertThat(t.at("/Response/Gather/@input")).isEqualTo("dtmf speech");
    assertThat(t.at("/Response/Gather/@numDigits")).isEqualTo("1");
    assertThat(t.at("/Response/Gather/@timeout")).isEqualTo("5");
    assertThat(t.at("/Response/Gather/@actionOnEmptyResult")).isEqualTo("true");
    assertThat(t.at("/Response/Gather/@speechTimeout")).isEqualTo("auto");
    assertThat(t.at("/Response/Gather/@hints")).isEqualTo("sales, support");
    assertThat(t.at("/Response/Gather/@language")).isEqualTo("en-US");
    // the prompt sits inside the Gather, so callers may answer before it ends; '&' is escaped
    assertThat(t.at("/Response/Gather/Say")).startsWith("Thanks for calling Acme & Sons.");
    assertThat(r.body()).contains("Acme &amp; Sons").contains("node=main&amp;path=main");
    assertThat(t.at("/Response/Gather/Say/@voice")).isEqualTo("Polly.Joanna");
    assertThat(t.at("/Response/Gather/Say/@language")).isEqualTo("en-US");
  }

  @Test
  void aPressedKeyIsAVoiceMessageAndLeadsToItsNode() {
    WebhookResult r = post("voice-gather?node=main&path=main",
        with(call("in-progress"), "Digits", "1", "FinishedOnKey", "", "msg", "Gather End"));

    InboundMessage m = r.single();
    assertThat(r.queued()).containsExactly(m);
    assertThat(m.kind()).isEqualTo(InboundMessage.Kind.MESSAGE);
    assertThat(m.channel()).isEqualTo("voice");
    assertThat(m.providerMessageId()).isEqualTo(CALL + ":gather:1");
    assertThat(m.from()).isEqualTo("+447700900123");
    assertThat(m.to()).isEqualTo("+15550006000");
    assertThat(m.text()).isEqualTo("pressed 1");
    assertThat(m.attributes())
        .containsEntry("callSid", CALL)
        .containsEntry("callStatus", "in-progress")
        .containsEntry("digits", "1")
        .containsEntry("ivrNode", "main")
        .containsEntry("ivrPath", "main")
        .containsEntry("ivrNext", "sales")
        .containsEntry("ivrMatched", "true")
        .containsEntry("AccountSid", ACCOUNT)
        .containsEntry("Direction", "inbound")
        .containsEntry("FromCountry", "GB")
        .doesNotContainKeys("FromCity", "speechResult");

    Twiml t = twiml(r);
    assertThat(t.verbs()).containsExactly("Say", "Dial");
    assertThat(t.at("/Response/Say")).isEqualTo("Connecting you to sales.");
    assertThat(t.at("/Response/Dial/@timeout")).isEqualTo("20");
    assertThat(t.at("/Response/Dial/Number")).isEqualTo("+15550100200");
    assertThat(t.at("/Response/Dial/@action")).isEqualTo(BASE + "voice?node=support&path=main.sales.support");
    assertThat(t.at("/Response/Dial/@method")).isEqualTo("POST");
  }

  @Test
  void aCallNoAgentAnsweredGoesOnToTheNextNodeAndAnAnsweredOneEnds() {
    String action = "voice?node=support&path=main.sales.support";
    Twiml unanswered = twiml(post(action, with(call("in-progress"), "DialCallStatus", "no-answer", "DialCallDuration", "0")));
    assertThat(unanswered.verbs()).containsExactly("Say", "Record");
    assertThat(unanswered.at("/Response/Record/@action")).contains("path=main.sales.support");

    WebhookResult answered = post(action, with(call("completed"), "DialCallStatus", "completed", "DialCallDuration", "312",
        "DialCallSid", "CA0000111122223333444455556666777"));
    assertThat(answered.messages()).isEmpty();
    assertThat(twiml(answered).verbs()).containsExactly("Hangup");
  }

  @Test
  void speechIsMatchedByWordAndLeadsToTheRecording() {
    WebhookResult r = post("voice-gather?node=main&path=main",
        with(call("in-progress"), "SpeechResult", "Support, please.", "Confidence", "0.8719"));

    InboundMessage m = r.single();
    assertThat(m.text()).isEqualTo("Support, please.");
    assertThat(m.attributes())
        .containsEntry("speechResult", "Support, please.")
        .containsEntry("confidence", "0.8719")
        .containsEntry("ivrNext", "support")
        .doesNotContainKey("digits");

    Twiml t = twiml(r);
    assertThat(t.verbs()).containsExactly("Say", "Record");
    assertThat(t.at("/Response/Say")).startsWith("Please leave a message");
    assertThat(t.at("/Response/Record/@action"))
        .isEqualTo(BASE + "voice-recording?node=support&path=main.support&transcribe=true");
    assertThat(t.at("/Response/Record/@transcribe")).isEqualTo("true");
    assertThat(t.at("/Response/Record/@transcribeCallback"))
        .isEqualTo(BASE + "voice-transcription?node=support&path=main.support");
    assertThat(t.at("/Response/Record/@maxLength")).isEqualTo("120");
    assertThat(t.at("/Response/Record/@finishOnKey")).isEqualTo("#");
    assertThat(t.at("/Response/Record/@playBeep")).isEqualTo("true");
  }

  @Test
  void silenceStoresNothingAndGoesToOtherwiseWhichLoopsBack() {
    WebhookResult r = post("voice-gather?node=main&path=main", call("in-progress"));

    assertThat(r.messages()).isEmpty();
    Twiml t = twiml(r);
    assertThat(t.verbs()).containsExactly("Say", "Redirect");
    assertThat(t.at("/Response/Say")).isEqualTo("Sorry, I did not get that.");
    assertThat(t.at("/Response/Redirect")).isEqualTo(BASE + "voice?node=main&path=main.retry.main");

    // Twilio follows the redirect: the menu again, its gather now at step 3 of the call
    Twiml again = twiml(post("voice?node=main&path=main.retry.main", call("in-progress")));
    assertThat(again.at("/Response/Gather/@action")).isEqualTo(BASE + "voice-gather?node=main&path=main.retry.main");
  }

  @Test
  void anUnknownKeyIsStoredAsUnmatchedAndTheSameChoiceLaterInTheCallIsKept() {
    WebhookResult first = post("voice-gather?node=main&path=main", with(call("in-progress"), "Digits", "9"));
    assertThat(first.single().attributes()).containsEntry("ivrMatched", "false").containsEntry("ivrNext", "retry");
    assertThat(twiml(first).at("/Response/Say")).isEqualTo("Sorry, I did not get that.");

    WebhookResult second = post("voice-gather?node=main&path=main.retry.main", with(call("in-progress"), "Digits", "9"));
    assertThat(second.single().providerMessageId()).isEqualTo(CALL + ":gather:3");
    assertThat(second.single().attributes()).containsEntry("ivrPath", "main>retry>main");
    assertThat(second.queued()).hasSize(1);
  }

  @Test
  void twiliosRetryOfAGatherIsStoredOnceAndAnsweredAlike() {
    Map<String, String> fields = with(call("in-progress"), "Digits", "2");
    WebhookResult first = post("voice-gather?node=main&path=main", fields);
    WebhookResult retry = post("voice-gather?node=main&path=main", fields);

    assertThat(first.queued()).hasSize(1);
    assertThat(retry.messages()).hasSize(1);
    assertThat(retry.queued()).isEmpty();
    assertThat(retry.body()).isEqualTo(first.body());
  }

  @Test
  void aTranscribedRecordingIsStoredOnceFromItsTranscription() {
    WebhookResult recorded = post("voice-recording?node=support&path=main.support&transcribe=true",
        with(call("in-progress"), "RecordingUrl", "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT
            + "/Recordings/" + RECORDING, "RecordingSid", RECORDING, "RecordingDuration", "14", "Digits", "#"));
    assertThat(recorded.messages()).isEmpty();
    Twiml t = twiml(recorded);
    assertThat(t.verbs()).containsExactly("Say", "Hangup");
    assertThat(t.at("/Response/Say")).isEqualTo("Thank you, goodbye.");

    Map<String, String> transcription = transcription("completed", "Hi, this is Zoë. My order 1234 never arrived; please call me back.");
    WebhookResult r = post("voice-transcription?node=support&path=main.support", transcription);
    assertThat(r.body()).isEqualTo(TwilioSmsConnector.EMPTY_TWIML);
    InboundMessage m = r.single();
    assertThat(r.queued()).containsExactly(m);
    assertThat(m.channel()).isEqualTo("voice");
    assertThat(m.providerMessageId()).isEqualTo(CALL + "/" + RECORDING);
    assertThat(m.from()).isEqualTo("+447700900123");
    assertThat(m.text()).isEqualTo("Hi, this is Zoë. My order 1234 never arrived; please call me back.");
    String recordingUrl = "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/" + RECORDING;
    assertThat(m.media()).containsExactly(new InboundMessage.Media(recordingUrl, null));
    assertThat(m.attributes())
        .containsEntry("callSid", CALL)
        .containsEntry("recordingSid", RECORDING)
        .containsEntry("recordingUrl", recordingUrl)
        .containsEntry("transcriptionSid", "TR11112222333344445555666677778888")
        .containsEntry("transcriptionStatus", "completed")
        .containsEntry("ivrNode", "support")
        .containsEntry("ivrPath", "main>support");

    assertThat(post("voice-transcription?node=support&path=main.support", transcription).queued()).isEmpty();
  }

  @Test
  void aFailedTranscriptionStillKeepsTheRecording() {
    InboundMessage m = post("voice-transcription?node=support&path=main.support",
        transcription("failed", "(blank)")).single();
    assertThat(m.text()).isEmpty();
    assertThat(m.media()).hasSize(1);
    assertThat(m.attributes()).containsEntry("transcriptionStatus", "failed");
  }

  @Test
  void anUntranscribedRecordingIsStoredFromTheRecordingCallback() {
    String url = "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/" + RECORDING;
    WebhookResult r = post("voice-recording?node=support&path=main.support&transcribe=false",
        with(call("completed"), "RecordingUrl", url, "RecordingSid", RECORDING, "RecordingDuration", "31", "Digits", "hangup"));

    InboundMessage m = r.single();
    assertThat(m.providerMessageId()).isEqualTo(CALL + "/" + RECORDING);
    assertThat(m.text()).isEmpty();
    assertThat(m.media()).containsExactly(new InboundMessage.Media(url, null));
    assertThat(m.attributes())
        .containsEntry("recordingDuration", "31")
        .containsEntry("recordingUrl", url)
        .containsEntry("recordingEndedBy", "hangup")
        .containsEntry("ivrPath", "main>support");
  }

  @Test
  void theEndOfACallIsStoredOnceAndProgressIsNot() {
    Map<String, String> done = with(call("completed"), "CallDuration", "95", "Timestamp", "Wed, 02 Dec 2026 09:30:00 +0000",
        "CallbackSource", "call-progress-events", "SequenceNumber", "0");
    WebhookResult r = post("voice-status", done);

    assertThat(r.body()).isEqualTo(TwilioSmsConnector.EMPTY_TWIML);
    InboundMessage m = r.single();
    assertThat(m.providerMessageId()).isEqualTo(CALL + ":status:completed");
    assertThat(m.channel()).isEqualTo("voice");
    assertThat(m.text()).isEmpty();
    assertThat(m.attributes()).containsEntry("callStatus", "completed").containsEntry("callDuration", "95")
        .doesNotContainKey("ivrPath");
    assertThat(post("voice-status", done).queued()).isEmpty();

    WebhookResult missed = post("voice-status", with(call("no-answer"), "CallDuration", "0"));
    assertThat(missed.single().attributes()).containsEntry("callStatus", "no-answer");
    assertThat(post("voice-status", call("ringing")).messages()).isEmpty();
    assertThat(post("voice-status", call("in-progress")).messages()).isEmpty();
  }

  @Test
  void anOutboundCallsContactIsTheNumberCalled() {
    InboundMessage m = post("voice-status", with(call("busy"), "Direction", "outbound-api",
        "From", "+15550006000", "To", "+447700900123")).single();
    assertThat(m.from()).isEqualTo("+447700900123");
    assertThat(m.to()).isEqualTo("+15550006000");
  }

  @Test
  void queueAndHangupNodes() {
    Twiml queue = twiml(post("voice?node=queue&path=main.queue", call("in-progress")));
    assertThat(queue.verbs()).containsExactly("Enqueue");
    assertThat(queue.at("/Response/Enqueue")).isEqualTo("support");

    Twiml bye = twiml(post("voice?node=bye&path=main.bye", call("in-progress")));
    assertThat(bye.verbs()).containsExactly("Say", "Hangup");
  }

  @Test
  void aNodeTheMenuNoLongerHasStartsOver() {
    Twiml t = twiml(post("voice?node=gone&path=main.gone", call("in-progress")));
    assertThat(t.at("/Response/Gather/@action")).isEqualTo(BASE + "voice-gather?node=main&path=main");

    WebhookResult r = post("voice-gather?node=gone&path=main.gone", with(call("in-progress"), "Digits", "4"));
    assertThat(r.single().attributes()).containsEntry("ivrNode", "gone").containsEntry("ivrNext", "main");
    assertThat(twiml(r).at("/Response/Gather/@action")).isEqualTo(BASE + "voice-gather?node=main&path=main.gone.main");
  }

  @Test
  void aCallThatNeverAnswersIsHungUpAfterTheLongestPath() {
    List<String> path = new ArrayList<>();
    for (int i = 0; i <= IvrTwiml.MAX_STEPS; i++) {
      path.add(i % 2 == 0 ? "main" : "retry");
    }
    Twiml t = twiml(post("voice?node=main&path=" + String.join(".", path), call("in-progress")));
    assertThat(t.verbs()).containsExactly("Hangup");
  }

  @ParameterizedTest
  @ValueSource(strings = {"voice", "voice-gather?node=main&path=main", "voice-recording?node=support&path=main.support",
      "voice-transcription?node=support&path=main.support", "voice-status"})
  void refusesWrongAndMissingSignaturesAndStoresNothing(String endpointAndQuery) {
    String endpoint = endpointAndQuery.replaceAll("\\?.*", "");
    Map<String, String> fields = transcription("completed", "hello");
    WebhookRequest good = signed(tester, endpointAndQuery, fields);

    String otherSignature = TwilioSignature.sign("another-token", good.url(), fields);
    refused(tester.post(endpoint, ConnectorTester.form(good.url(), fields, "X-Twilio-Signature", otherSignature)),
        403, "invalid_signature");
    // the query string is signed: moving the call elsewhere in the menu breaks the signature
    String moved = good.url().contains("?") ? good.url().replace("main", "sales") : good.url() + "?node=sales";
    refused(tester.post(endpoint, ConnectorTester.form(moved, fields, "X-Twilio-Signature", good.header("X-Twilio-Signature"))),
        403, "invalid_signature");
    refused(tester.post(endpoint, ConnectorTester.form(good.url(), fields)), 403, "missing_signature");
    assertThat(tester.post(endpoint, good).isAccepted()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"voice", "voice-gather?node=main&path=main", "voice-recording?node=support&path=main.support",
      "voice-transcription?node=support&path=main.support", "voice-status"})
  void refusesRequestsWithoutACallSid(String endpointAndQuery) {
    WebhookResult r = refused(post(endpointAndQuery, with(transcription("completed", "x"), "CallSid", null)),
        400, "missing_field");
    assertThat(r.message()).contains("CallSid");
  }

  @Test
  void refusesMalformedVoiceRequests() {
    assertThat(refused(post("voice-gather", with(call("in-progress"), "Digits", "1")), 400, "missing_parameter").message())
        .contains("node", ".../twilio/voice");
    assertThat(refused(post("voice-transcription", with(transcription("completed", "x"), "RecordingSid", null)),
        400, "missing_field").message()).contains("RecordingSid");
    assertThat(refused(post("voice-status", with(call("completed"), "CallStatus", null)), 400, "missing_field").message())
        .contains("CallStatus");
    refused(post("voice-gather?node=main&path=main", with(call("in-progress"), "Digits", "1", "From", null)),
        400, "missing_field");

    String url = tester.url("voice");
    WebhookResult notForm = tester.post("voice", ConnectorTester.raw(url, "text/plain", "CallSid=" + CALL,
        "X-Twilio-Signature", TwilioSignature.sign(TOKEN, url, Map.of())));
    refused(notForm, 400, "unsupported_media_type");

    WebhookResult broken = tester.post("voice", ConnectorTester.raw(url, Requests.FORM, "CallSid=%E2%82",
        "X-Twilio-Signature", TwilioSignature.sign(TOKEN, url, Map.of())));
    refused(broken, 400, "malformed_form");
  }

  @Test
  void aTenantWithoutAMenuIsMisconfiguredAndStoresNothing() {
    ConnectorTester none = tester(null);
    WebhookResult r = post(none, "voice", call("ringing"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.code()).isEqualTo("channel_misconfigured");
    assertThat(r.message()).contains("acme", "channels.twilio.ivr");

    WebhookResult gather = post(none, "voice-gather?node=main&path=main", with(call("in-progress"), "Digits", "1"));
    assertThat(gather.status()).isEqualTo(500);
    assertThat(gather.queued()).isEmpty();
    // the end of a call and a transcript need no menu
    assertThat(post(none, "voice-status", call("completed")).queued()).hasSize(1);
  }

  @Test
  void aMenuThatNamesAMissingNodeIsMisconfiguredAndStoresNothing() {
    Map<String, Object> menu = new LinkedHashMap<>(Twiml.menu());
    @SuppressWarnings("unchecked")
    Map<String, Object> nodes = new LinkedHashMap<>((Map<String, Object>) menu.get("nodes"));
    nodes.put("retry", Map.of("say", "Sorry.", "next", "mian"));
    menu.put("nodes", nodes);
    ConnectorTester broken = tester(menu);

    WebhookResult r = post(broken, "voice-gather?node=main&path=main", with(call("in-progress"), "Digits", "1"));
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.code()).isEqualTo("channel_misconfigured");
    assertThat(r.message()).contains("channels.twilio.ivr.nodes.retry.next", "'mian'");
    assertThat(r.queued()).isEmpty();
  }

  @Test
  void simulatesAnIncomingCallAChoiceAndAVoicemail() throws Exception {
    WebhookResult call = tester.simulate("voice", "+447700900123", null);
    assertThat(call.messages()).isEmpty();
    assertThat(twiml(call).at("/Response/Gather/@action")).isEqualTo(BASE + "voice-gather?node=main&path=main");

    WebhookResult pressed = tester.simulate("voice-gather", "+447700900123", "1");
    assertThat(pressed.single().text()).isEqualTo("pressed 1");
    assertThat(pressed.single().providerMessageId()).matches("CA[0-9a-f]{32}:gather:1");
    assertThat(twiml(pressed).at("/Response/Dial/Number")).isEqualTo("+15550100200");

    WebhookResult spoken = tester.simulate("voice-gather", "+447700900123", "support please");
    assertThat(spoken.single().attributes()).containsEntry("speechResult", "support please")
        .containsEntry("ivrNext", "support");

    WebhookRequest voicemail = tester.simulatedRequest(new io.switchboard.api.SimulatedMessage("voice-transcription",
        tester.url("voice-transcription"), "+447700900123", null, "Please call me back about my order."));
    // left where the menu records: the shortest way there from the start node
    assertThat(voicemail.url()).isEqualTo(BASE + "voice-transcription?node=support&path=main.support");
    Map<String, String> params = new LinkedHashMap<>();
    voicemail.form().forEach((k, v) -> params.put(k, v.get(0)));
    assertThat(new com.twilio.security.RequestValidator(TOKEN)
        .validate(voicemail.url(), params, voicemail.header("X-Twilio-Signature"))).isTrue();
    InboundMessage m = tester.post("voice-transcription", voicemail).single();
    assertThat(m.channel()).isEqualTo("voice");
    assertThat(m.from()).isEqualTo("+447700900123");
    assertThat(m.to()).isEqualTo("+15550006000");
    assertThat(m.text()).isEqualTo("Please call me back about my order.");
    assertThat(m.providerMessageId()).matches("CA[0-9a-f]{32}/RE[0-9a-f]{32}");
    assertThat(m.attributes()).containsEntry("ivrPath", "main>support").containsEntry("FromCountry", "GB");
    assertThat(m.media()).singleElement().satisfies(media ->
        assertThat(media.url()).startsWith("https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/RE"));
  }

  @Test
  void simulatingACallNeedsAMenu() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> tester(null).simulate("voice", "+447700900123", null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("channels.twilio.ivr");
  }

  static Map<String, String> transcription(String status, String text) {
    String recordingUrl = "https://api.twilio.com/2010-04-01/Accounts/" + ACCOUNT + "/Recordings/" + RECORDING;
    return with(call("completed"),
        "RecordingSid", RECORDING,
        "RecordingUrl", recordingUrl,
        "TranscriptionSid", "TR11112222333344445555666677778888",
        "TranscriptionStatus", status,
        "TranscriptionText", text,
        "TranscriptionType", "fast",
        "TranscriptionUrl", recordingUrl + "/Transcriptions/TR11112222333344445555666677778888",
        "url", BASE + "voice-transcription?node=support&path=main.support");
  }
}
