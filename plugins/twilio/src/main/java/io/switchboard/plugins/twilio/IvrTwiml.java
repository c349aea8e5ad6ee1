package io.switchboard.plugins.twilio;

import com.twilio.http.HttpMethod;
import com.twilio.twiml.TwiMLException;
import com.twilio.twiml.VoiceResponse;
import com.twilio.twiml.voice.Client;
import com.twilio.twiml.voice.Dial;
import com.twilio.twiml.voice.Enqueue;
import com.twilio.twiml.voice.Gather;
import com.twilio.twiml.voice.Hangup;
import com.twilio.twiml.voice.Number;
import com.twilio.twiml.voice.Record;
import com.twilio.twiml.voice.Redirect;
import com.twilio.twiml.voice.Say;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders IVR nodes as TwiML with the Twilio SDK's {@link VoiceResponse} (a real XML writer:
 * prompts and URLs are escaped). Every callback URL is absolute, on the same base as the request
 * Twilio made, and carries where the call is in the menu: {@code node=<name>&path=<a.b.name>},
 * the nodes visited so far. Twilio signs those URLs as it calls them, so they come back verified.
 */
final class IvrTwiml {

  static final String VOICE = "voice";
  static final String GATHER = "voice-gather";
  static final String RECORDING = "voice-recording";
  static final String TRANSCRIPTION = "voice-transcription";
  static final String STATUS = "voice-status";

  /**
   * The most nodes one call visits; then the hub hangs up. A menu whose gather repeats itself on
   * silence would otherwise keep a caller who said nothing (or an answering machine) on the line.
   */
  static final int MAX_STEPS = 50;

  private IvrTwiml() {}

  /**
   * The TwiML of a node, reached along {@code path} (which ends with the node's name).
   *
   * @param base the URL the callbacks go under, ending with {@code /} ({@code .../webhooks/acme/twilio/})
   */
  static String render(IvrMenu.Node node, List<String> path, String base) {
    if (path.size() > MAX_STEPS) {
      return xml(new VoiceResponse.Builder().hangup(new Hangup.Builder().build()).build());
    }
    VoiceResponse.Builder response = new VoiceResponse.Builder();
    String at = query(path);
    Say say = node.say() == null ? null : say(node.say(), node.voice(), node.language());
    if (node.gather() != null) {
      IvrMenu.Gather g = node.gather();
      List<Gather.Input> inputs = new ArrayList<>();
      if (g.dtmf()) {
        inputs.add(Gather.Input.DTMF);
      }
      if (g.speech()) {
        inputs.add(Gather.Input.SPEECH);
      }
      Gather.Builder gather = new Gather.Builder()
          .inputs(inputs)
          .action(base + GATHER + "?" + at)
          .method(HttpMethod.POST)
          // silence and no match come back to the hub too, which routes them to 'otherwise'
          .actionOnEmptyResult(true)
          .timeout(g.timeout());
      if (g.numDigits() != null) {
        gather.numDigits(g.numDigits());
      }
      if (g.finishOnKey() != null) {
        gather.finishOnKey(g.finishOnKey());
      }
      if (g.speech()) {
        gather.speechTimeout("auto");
        if (g.hints() != null) {
          gather.hints(g.hints());
        }
        if (node.language() != null) {
          gather.option("language", node.language());
        }
      }
      if (say != null) {
        // inside the Gather, so that the caller may answer before the prompt ends
        gather.say(say);
      }
      return xml(response.gather(gather.build()).build());
    }
    if (say != null) {
      response.say(say);
    }
    List<String> onward = new ArrayList<>(path);
    if (node.next() != null) {
      onward.add(node.next());
    }
    String nextUrl = node.next() == null ? null : base + VOICE + "?" + query(onward);
    if (node.record() != null) {
      IvrMenu.Recording r = node.record();
      Record.Builder record = new Record.Builder()
          .action(base + RECORDING + "?" + at + "&transcribe=" + r.transcribe())
          .method(HttpMethod.POST)
          .maxLength(r.maxLength())
          .playBeep(r.playBeep())
          .timeout(r.timeout());
      if (r.finishOnKey() != null) {
        record.finishOnKey(r.finishOnKey());
      }
      if (r.transcribe()) {
        record.transcribe(true).transcribeCallback(base + TRANSCRIPTION + "?" + at);
      }
      response.record(record.build());
    } else if (node.dial() != null) {
      IvrMenu.Dial d = node.dial();
      // With a next node, the dial's action leads there; TwilioVoice hangs up instead when an agent took the call.
      if (d.queue() != null) {
        Enqueue.Builder enqueue = new Enqueue.Builder(d.queue());
        if (nextUrl != null) {
          enqueue.action(nextUrl).method(HttpMethod.POST);
        }
        response.enqueue(enqueue.build());
      } else {
        Dial.Builder dial = new Dial.Builder();
        if (nextUrl != null) {
          dial.action(nextUrl).method(HttpMethod.POST);
        }
        if (d.timeout() != null) {
          dial.timeout(d.timeout());
        }
        if (d.callerId() != null) {
          dial.callerId(d.callerId());
        }
        if (d.number() != null) {
          dial.number(new Number.Builder(d.number()).build());
        } else {
          dial.client(new Client.Builder().identity(d.client()).build());
        }
        response.dial(dial.build());
      }
    } else if (node.hangup()) {
      response.hangup(new Hangup.Builder().build());
    }
    // a recording's and a dial's action callbacks lead to the next node (see TwilioVoice)
    if (nextUrl != null && node.record() == null && node.dial() == null) {
      response.redirect(new Redirect.Builder(nextUrl).method(HttpMethod.POST).build());
    }
    return xml(response.build());
  }

  /** TwiML that ends the call. */
  static String hangup() {
    return xml(new VoiceResponse.Builder().hangup(new Hangup.Builder().build()).build());
  }

  /** The query string that tells a callback where the call is: {@code node=<last>&path=<a.b.last>}. */
  static String query(List<String> path) {
    return "node=" + path.get(path.size() - 1) + "&path=" + String.join(".", path);
  }

  /**
   * The nodes visited so far, from a callback URL's {@code path} parameter; empty when absent or
   * not a path of node names (a URL the hub did not write).
   */
  static List<String> path(String url) {
    String raw = TwilioSmsConnector.queryParameter(url, "path");
    if (raw == null || raw.isEmpty()) {
      return List.of();
    }
    List<String> path = List.of(raw.split("\\.", -1));
    for (String name : path) {
      if (!IvrMenu.NODE_NAME.matcher(name).matches()) {
        return List.of();
      }
    }
    return path;
  }

  /** The URL the callbacks go under: the request's URL up to its last path segment, without the query. */
  static String base(String url) {
    String path = TwilioSmsConnector.withoutQuery(url);
    return path.substring(0, path.lastIndexOf('/') + 1);
  }

  private static Say say(String text, String voice, String language) {
    Say.Builder say = new Say.Builder(text);
    // as options, not the SDK's enums: Twilio adds voices (Polly.*, Google.*) faster than SDK releases
    if (voice != null) {
      say.option("voice", voice);
    }
    if (language != null) {
      say.option("language", language);
    }
    return say.build();
  }

  private static String xml(VoiceResponse response) {
    try {
      return response.toXml();
    } catch (TwiMLException e) {
      throw new IllegalStateException("cannot write TwiML: " + e.getMessage(), e);
    }
  }
}
