package io.switchboard.plugins.twilio;

import static io.switchboard.plugins.twilio.TwilioSmsConnector.firstNonBlank;
import static io.switchboard.plugins.twilio.TwilioSmsConnector.putIfPresent;

import io.switchboard.api.ChannelSettings;
import io.switchboard.api.FormData;
import io.switchboard.api.InboundMessage;
import io.switchboard.api.WebhookException;
import io.switchboard.api.WebhookRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The voice endpoints of the {@code twilio} connector: an incoming call ({@code voice}) is answered
 * with the TwiML of the tenant's IVR menu ({@link IvrMenu}, rendered by {@link IvrTwiml}); the
 * callbacks that TwiML names ({@code voice-gather}, {@code voice-recording},
 * {@code voice-transcription}) and the number's call-status callback ({@code voice-status}) become
 * {@code voice} interactions:
 *
 * <ul>
 *   <li>a gathered answer (keys or speech): text {@code pressed 1} or what was said, id
 *       {@code <CallSid>:gather:<step>} (the step's number in the call, so a repeated choice later
 *       in the call is kept and Twilio's retry of the same request is not);
 *   <li>a recorded message: id {@code <CallSid>/<RecordingSid>}, the recording as media and, when
 *       the menu asks for a transcript, the transcript as text. A transcribed recording is
 *       recorded once, from the transcription callback (which also carries the recording); an
 *       untranscribed one from the recording callback;
 *   <li>the end of a call ({@code completed}, {@code busy}, {@code no-answer}, {@code failed},
 *       {@code canceled}): id {@code <CallSid>:status:<CallStatus>}, empty text, attributes
 *       {@code callStatus} and {@code callDuration}; progress events (ringing, in-progress) are
 *       acknowledged and not stored.
 * </ul>
 *
 * The incoming call itself stores nothing: what the caller does is stored as it happens, and the
 * call's end by its status callback. The contact is the caller ({@code From}; {@code To} for
 * outbound calls). Stateless: where a call is in the menu travels in the callback URLs.
 */
final class TwilioVoice {

  static final String CHANNEL = "voice";

  static final Set<String> ENDPOINTS =
      Set.of(IvrTwiml.VOICE, IvrTwiml.GATHER, IvrTwiml.RECORDING, IvrTwiml.TRANSCRIPTION, IvrTwiml.STATUS);

  /** The statuses a call ends with; Twilio's call-status callback reports them with CallDuration. */
  static final Set<String> FINAL_STATUSES = Set.of("completed", "busy", "no-answer", "failed", "canceled");

  /**
   * A dial's DialCallStatus and a queue's QueueResult that mean an agent took the call (or the
   * caller hung up): a dial or queue node's next node is only for callers nobody answered.
   */
  private static final Set<String> CONNECTED =
      Set.of("completed", "answered", "bridged", "bridging-in-process", "redirected-from-bridged", "hangup");

  /** Twilio's call fields kept as attributes, under their Twilio names, when non-empty. */
  private static final List<String> ATTRIBUTES = List.of(
      "AccountSid", "ApiVersion", "Direction", "ForwardedFrom", "CallerName", "ParentCallSid",
      "FromCountry", "FromState", "FromCity", "FromZip", "ToCountry", "ToState", "ToCity", "ToZip");

  /** The voice endpoints {@link TwilioSmsConnector#simulate} builds requests for. */
  static final List<String> SIMULATED = List.of(IvrTwiml.VOICE, IvrTwiml.GATHER, IvrTwiml.TRANSCRIPTION);

  private static final java.util.regex.Pattern KEYS = java.util.regex.Pattern.compile("[0-9*#]{1,20}");

  private TwilioVoice() {}

  /** What one voice request stores and answers. */
  record Outcome(List<InboundMessage> messages, String twiml) {}

  /**
   * Parses a voice request and computes its answer from the tenant's menu, without a remote call.
   *
   * @throws WebhookException 400 when the request is not what Twilio sends
   * @throws IllegalStateException when the tenant has no valid menu (the hub's {@code 500 channel_misconfigured})
   */
  static Outcome handle(String endpoint, WebhookRequest request, ChannelSettings settings) throws WebhookException {
    TwilioSmsConnector.requireForm(request, "voice");
    Map<String, List<String>> form = request.form();
    String callSid = require(form, "CallSid");
    return switch (endpoint) {
      case IvrTwiml.VOICE -> call(request, form, settings);
      case IvrTwiml.GATHER -> gather(request, form, callSid, settings);
      case IvrTwiml.RECORDING -> recording(request, form, callSid, settings);
      case IvrTwiml.TRANSCRIPTION -> transcription(request, form, callSid);
      case IvrTwiml.STATUS -> status(form, callSid);
      default -> throw new IllegalArgumentException("not a voice endpoint: " + endpoint);
    };
  }

  /**
   * An incoming call, or the hub's own redirect to a node: the node's TwiML, nothing stored. When
   * the request is a dial's or a queue's action and an agent took the call, the call is over.
   */
  private static Outcome call(WebhookRequest request, Map<String, List<String>> form, ChannelSettings settings) {
    if (CONNECTED.contains(String.valueOf(FormData.first(form, "DialCallStatus")))
        || CONNECTED.contains(String.valueOf(FormData.first(form, "QueueResult")))) {
      return new Outcome(List.of(), IvrTwiml.hangup());
    }
    IvrMenu menu = IvrMenu.require(settings);
    List<String> path = position(request.url(), menu);
    return new Outcome(List.of(), IvrTwiml.render(menu.nodes().get(last(path)), path, IvrTwiml.base(request.url())));
  }

  private static Outcome gather(WebhookRequest request, Map<String, List<String>> form, String callSid,
      ChannelSettings settings) throws WebhookException {
    IvrMenu menu = IvrMenu.require(settings);
    String nodeName = requireNode(request.url(), IvrTwiml.GATHER);
    List<String> path = pathTo(request.url(), nodeName);
    String digits = FormData.first(form, "Digits");
    String speech = FormData.first(form, "SpeechResult");
    IvrMenu.Gather gather = menu.node(nodeName).map(IvrMenu.Node::gather).orElse(null);
    String target = gather == null ? null : gather.route(digits, speech);
    // a node that no longer gathers (the menu changed during the call) starts over
    String next = target != null ? target : gather != null ? gather.otherwise() : menu.start();
    List<String> onward = new ArrayList<>(path);
    onward.add(next);
    String twiml = IvrTwiml.render(menu.nodes().get(next), onward, IvrTwiml.base(request.url()));
    boolean pressed = digits != null && !digits.isEmpty();
    boolean said = speech != null && !speech.isBlank();
    if (!pressed && !said) {
      return new Outcome(List.of(), twiml);
    }
    Map<String, String> attributes = callAttributes(form, callSid, path);
    putIfPresent(attributes, "digits", digits);
    putIfPresent(attributes, "speechResult", speech);
    putIfPresent(attributes, "confidence", FormData.first(form, "Confidence"));
    attributes.put("ivrNext", next);
    attributes.put("ivrMatched", String.valueOf(target != null));
    String text = said ? speech.trim() : "pressed " + digits;
    return new Outcome(List.of(message(form, callSid + ":gather:" + path.size(), text, List.of(), attributes)), twiml);
  }

  private static Outcome recording(WebhookRequest request, Map<String, List<String>> form, String callSid,
      ChannelSettings settings) throws WebhookException {
    IvrMenu menu = IvrMenu.require(settings);
    String nodeName = requireNode(request.url(), IvrTwiml.RECORDING);
    List<String> path = pathTo(request.url(), nodeName);
    String next = menu.node(nodeName).map(IvrMenu.Node::next).orElse(null);
    String twiml;
    if (next == null) {
      twiml = IvrTwiml.hangup();
    } else {
      List<String> onward = new ArrayList<>(path);
      onward.add(next);
      twiml = IvrTwiml.render(menu.nodes().get(next), onward, IvrTwiml.base(request.url()));
    }
    String recordingUrl = firstNonBlank(form, "RecordingUrl");
    // transcribed recordings are stored once, from the transcription callback that carries them too
    boolean transcribed = "true".equals(TwilioSmsConnector.queryParameter(request.url(), "transcribe"));
    if (recordingUrl == null || transcribed) {
      return new Outcome(List.of(), twiml);
    }
    String recordingSid = require(form, "RecordingSid");
    Map<String, String> attributes = callAttributes(form, callSid, path);
    recordingAttributes(attributes, form, recordingSid, recordingUrl);
    putIfPresent(attributes, "recordingEndedBy", FormData.first(form, "Digits"));
    return new Outcome(List.of(message(form, callSid + "/" + recordingSid, "",
        List.of(new InboundMessage.Media(recordingUrl, null)), attributes)), twiml);
  }

  private static Outcome transcription(WebhookRequest request, Map<String, List<String>> form, String callSid)
      throws WebhookException {
    String recordingSid = require(form, "RecordingSid");
    String status = FormData.first(form, "TranscriptionStatus");
    List<String> path = IvrTwiml.path(request.url());
    Map<String, String> attributes = callAttributes(form, callSid, path);
    String recordingUrl = firstNonBlank(form, "RecordingUrl");
    recordingAttributes(attributes, form, recordingSid, recordingUrl);
    putIfPresent(attributes, "transcriptionSid", FormData.first(form, "TranscriptionSid"));
    putIfPresent(attributes, "transcriptionStatus", status);
    String text = status == null || "completed".equals(status) ? FormData.first(form, "TranscriptionText") : "";
    List<InboundMessage.Media> media = recordingUrl == null ? List.of() : List.of(new InboundMessage.Media(recordingUrl, null));
    return new Outcome(List.of(message(form, callSid + "/" + recordingSid, text, media, attributes)),
        TwilioSmsConnector.EMPTY_TWIML);
  }

  private static Outcome status(Map<String, List<String>> form, String callSid) throws WebhookException {
    String status = require(form, "CallStatus");
    if (!FINAL_STATUSES.contains(status)) {
      return new Outcome(List.of(), TwilioSmsConnector.EMPTY_TWIML);
    }
    Map<String, String> attributes = callAttributes(form, callSid, List.of());
    putIfPresent(attributes, "callDuration", FormData.first(form, "CallDuration"));
    String recordingUrl = firstNonBlank(form, "RecordingUrl");
    if (recordingUrl != null) {
      recordingAttributes(attributes, form, FormData.first(form, "RecordingSid"), recordingUrl);
    }
    return new Outcome(List.of(message(form, callSid + ":status:" + status, "", List.of(), attributes)),
        TwilioSmsConnector.EMPTY_TWIML);
  }

  private static Map<String, String> callAttributes(Map<String, List<String>> form, String callSid, List<String> path) {
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("callSid", callSid);
    putIfPresent(attributes, "callStatus", FormData.first(form, "CallStatus"));
    if (!path.isEmpty()) {
      attributes.put("ivrNode", last(path));
      attributes.put("ivrPath", String.join(">", path));
    }
    for (String name : ATTRIBUTES) {
      putIfPresent(attributes, name, FormData.first(form, name));
    }
    return attributes;
  }

  private static void recordingAttributes(Map<String, String> attributes, Map<String, List<String>> form,
      String recordingSid, String recordingUrl) {
    putIfPresent(attributes, "recordingSid", recordingSid);
    putIfPresent(attributes, "recordingUrl", recordingUrl);
    putIfPresent(attributes, "recordingDuration", FormData.first(form, "RecordingDuration"));
  }

  /** A voice interaction with the caller as the contact: {@code From}, or {@code To} when the call went out. */
  private static InboundMessage message(Map<String, List<String>> form, String id, String text,
      List<InboundMessage.Media> media, Map<String, String> attributes) throws WebhookException {
    String from = require(form, "From");
    String to = firstNonBlank(form, "To");
    String direction = FormData.first(form, "Direction");
    boolean outbound = direction != null && direction.startsWith("outbound");
    if (outbound && to == null) {
      throw WebhookException.badRequest("missing_field", "required field To is missing (the call went out to it)");
    }
    return new InboundMessage(CHANNEL, id, outbound ? to : from, outbound ? from : to, text, media, null, attributes);
  }

  /**
   * Where a call is: the {@code node} and {@code path} of the hub's own redirect, else the menu's
   * start. A node the menu no longer has (it changed during the call) starts over.
   */
  private static List<String> position(String url, IvrMenu menu) {
    String node = TwilioSmsConnector.queryParameter(url, "node");
    if (node == null || !menu.nodes().containsKey(node)) {
      return List.of(menu.start());
    }
    return pathTo(url, node);
  }

  /** The path in the URL when it leads to the node, else just the node. */
  private static List<String> pathTo(String url, String node) {
    List<String> path = IvrTwiml.path(url);
    return !path.isEmpty() && last(path).equals(node) ? path : List.of(node);
  }

  private static String requireNode(String url, String endpoint) throws WebhookException {
    String node = TwilioSmsConnector.queryParameter(url, "node");
    if (node == null || !IvrMenu.NODE_NAME.matcher(node).matches()) {
      throw WebhookException.badRequest("missing_parameter", "the URL has no valid node parameter: " + endpoint
          + " is the callback the hub writes into its TwiML (.../twilio/" + endpoint + "?node=...), not a webhook to"
          + " configure; point the number's voice webhook at .../twilio/voice");
    }
    return node;
  }

  private static String require(Map<String, List<String>> form, String field) throws WebhookException {
    String v = firstNonBlank(form, field);
    if (v == null) {
      throw WebhookException.badRequest("missing_field", "required field " + field + " is missing");
    }
    return v;
  }

  /** A simulated request: the URL Twilio would call (with the hub's query string) and its form fields. */
  record Simulated(String url, Map<String, String> fields) {}

  /**
   * The request Twilio would send on a voice endpoint of {@link #SIMULATED}, for a call from
   * {@code from} to the tenant's number {@code to}.
   *
   * @param endpointUrl the endpoint's public URL without a query string
   * @param text {@code voice-gather}: keys pressed ({@code 1}) or words said; {@code voice-transcription}: the transcript
   */
  static Simulated simulate(String endpoint, String endpointUrl, IvrMenu menu, String accountSid, String from,
      String to, String text) {
    String callSid = "CA" + TwilioSmsConnector.randomHex();
    Map<String, String> f = new LinkedHashMap<>();
    f.put("AccountSid", accountSid);
    f.put("ApiVersion", "2010-04-01");
    f.put("CallSid", callSid);
    f.put("CallStatus", IvrTwiml.VOICE.equals(endpoint) ? "ringing"
        : IvrTwiml.GATHER.equals(endpoint) ? "in-progress" : "completed");
    f.put("Called", to);
    f.put("CalledCountry", TwilioSmsConnector.country(to));
    f.put("Caller", from);
    f.put("CallerCountry", TwilioSmsConnector.country(from));
    f.put("Direction", "inbound");
    f.put("From", from);
    f.put("FromCountry", TwilioSmsConnector.country(from));
    f.put("To", to);
    f.put("ToCountry", TwilioSmsConnector.country(to));
    String url = endpointUrl;
    if (IvrTwiml.GATHER.equals(endpoint)) {
      url = endpointUrl + "?" + IvrTwiml.query(List.of(menu.start()));
      if (KEYS.matcher(text).matches()) {
        f.put("Digits", text);
        f.put("FinishedOnKey", "");
      } else {
        f.put("SpeechResult", text);
        f.put("Confidence", "0.9241");
      }
      f.put("msg", "Gather End");
    } else if (IvrTwiml.TRANSCRIPTION.equals(endpoint)) {
      List<String> path = pathToRecording(menu);
      url = path.isEmpty() ? endpointUrl : endpointUrl + "?" + IvrTwiml.query(path);
      String recordingSid = "RE" + TwilioSmsConnector.randomHex();
      String transcriptionSid = "TR" + TwilioSmsConnector.randomHex();
      String api = "https://api.twilio.com/2010-04-01/Accounts/" + accountSid;
      f.put("RecordingSid", recordingSid);
      f.put("RecordingUrl", api + "/Recordings/" + recordingSid);
      f.put("TranscriptionSid", transcriptionSid);
      f.put("TranscriptionStatus", "completed");
      f.put("TranscriptionText", text);
      f.put("TranscriptionType", "fast");
      f.put("TranscriptionUrl", api + "/Recordings/" + recordingSid + "/Transcriptions/" + transcriptionSid);
      f.put("url", url);
    }
    return new Simulated(url, f);
  }

  /** The shortest way from the start node to a node that records, empty when none does. */
  static List<String> pathToRecording(IvrMenu menu) {
    Map<String, List<String>> paths = new LinkedHashMap<>();
    java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>();
    paths.put(menu.start(), List.of(menu.start()));
    queue.add(menu.start());
    while (!queue.isEmpty()) {
      String name = queue.poll();
      IvrMenu.Node node = menu.nodes().get(name);
      if (node.record() != null) {
        return paths.get(name);
      }
      List<String> onward = new ArrayList<>();
      if (node.gather() != null) {
        onward.addAll(node.gather().options().values());
        onward.add(node.gather().otherwise());
      }
      if (node.next() != null) {
        onward.add(node.next());
      }
      for (String next : onward) {
        if (!paths.containsKey(next)) {
          List<String> path = new ArrayList<>(paths.get(name));
          path.add(next);
          paths.put(next, path);
          queue.add(next);
        }
      }
    }
    return List.of();
  }

  private static String last(List<String> path) {
    return path.get(path.size() - 1);
  }
}
