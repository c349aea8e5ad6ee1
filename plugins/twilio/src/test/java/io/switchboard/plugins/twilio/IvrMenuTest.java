package io.switchboard.plugins.twilio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.switchboard.api.ChannelSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reading and checking IVR menus as the tenant file's YAML parser delivers them: the documented
 * menu, defaults, and one clear error per kind of mistake, naming the setting to fix.
 */
class IvrMenuTest {

  @Test
  void readsTheDocumentedMenu() {
    IvrMenu menu = IvrMenu.parse("acme", Twiml.menu());

    assertThat(menu.start()).isEqualTo("main");
    assertThat(menu.nodes().keySet()).containsExactly("main", "retry", "sales", "support", "queue", "bye");
    IvrMenu.Node main = menu.startNode();
    assertThat(main.voice()).isEqualTo("Polly.Joanna");
    assertThat(main.language()).isEqualTo("en-US");
    IvrMenu.Gather g = main.gather();
    assertThat(g.dtmf()).isTrue();
    assertThat(g.speech()).isTrue();
    assertThat(g.numDigits()).isEqualTo(1);
    assertThat(g.options()).containsEntry("1", "sales").containsEntry("support", "support");
    assertThat(g.otherwise()).isEqualTo("retry");
    assertThat(g.hints()).isEqualTo("sales, support");
    IvrMenu.Recording r = menu.node("support").orElseThrow().record();
    assertThat(r.maxLength()).isEqualTo(120);
    assertThat(r.transcribe()).isTrue();
    assertThat(r.finishOnKey()).isEqualTo("#");
    assertThat(menu.node("sales").orElseThrow().dial().number()).isEqualTo("+15550100200");
    assertThat(menu.node("queue").orElseThrow().dial().queue()).isEqualTo("support");
    assertThat(menu.node("bye").orElseThrow().hangup()).isTrue();
  }

  /** The example in docs/channels.md is a valid menu, and its example error is the one the hub gives. */
  @Test
  @SuppressWarnings("unchecked")
  void theDocumentedExampleAndErrorAreTrue() throws Exception {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("../../docs/channels.md"));
    String section = doc.substring(doc.indexOf("## Voice IVR (Twilio)"));
    String yaml = section.substring(section.indexOf("```yaml") + 7, section.indexOf("```", section.indexOf("```yaml") + 7));
    Map<String, Object> file = (Map<String, Object>) yaml(yaml);
    Map<String, Object> twilio = (Map<String, Object>) ((Map<String, Object>) file.get("channels")).get("twilio");
    Map<String, Object> ivr = (Map<String, Object>) twilio.get("ivr");
    IvrMenu menu = IvrMenu.parse("acme", ivr);
    assertThat(menu.nodes().keySet()).containsExactly("main", "retry", "sales", "support", "bye");

    Map<String, Object> nodes = new java.util.LinkedHashMap<>((Map<String, Object>) ivr.get("nodes"));
    nodes.put("retry", Map.of("say", "Sorry, I did not get that.", "next", "mian"));
    Map<String, Object> broken = new java.util.LinkedHashMap<>(ivr);
    broken.put("nodes", nodes);
    String error = org.assertj.core.api.Assertions.catchThrowableOfType(IllegalStateException.class,
        () -> IvrMenu.parse("acme", broken)).getMessage();
    assertThat(section.replaceAll("\\s+", " ")).contains(error);
  }

  @Test
  void defaults() {
    IvrMenu menu = menu("""
        nodes:
          welcome:
            say: Hi
            gather: {options: {"1": leave}}
          leave:
            record: true
        """);
    assertThat(menu.start()).as("the first node").isEqualTo("welcome");
    IvrMenu.Gather g = menu.startNode().gather();
    assertThat(g.dtmf()).isTrue();
    assertThat(g.speech()).as("only keys").isFalse();
    assertThat(g.timeout()).isEqualTo(5);
    assertThat(g.otherwise()).as("repeats itself").isEqualTo("welcome");
    assertThat(g.hints()).isNull();
    IvrMenu.Recording r = menu.node("leave").orElseThrow().record();
    assertThat(r.transcribe()).isTrue();
    assertThat(r.maxLength()).isEqualTo(IvrMenu.MAX_TRANSCRIBED_SECONDS);
    assertThat(r.playBeep()).isTrue();
    assertThat(menu.startNode().voice()).isNull();
  }

  @Test
  void routesKeysAndSpokenWords() {
    IvrMenu.Gather g = IvrMenu.parse("acme", Twiml.menu()).startNode().gather();
    assertThat(g.route("1", null)).isEqualTo("sales");
    assertThat(g.route("2", "")).isEqualTo("support");
    assertThat(g.route("9", null)).isNull();
    assertThat(g.route(null, "SALES!")).isEqualTo("sales");
    assertThat(g.route(null, "I need support with my order.")).isEqualTo("support");
    assertThat(g.route(null, "salesforce")).as("whole words only").isNull();
    assertThat(g.route(null, "   ")).isNull();

    IvrMenu.Gather keysOnly = menu("nodes: {a: {gather: {input: dtmf, options: {\"12\": b}}}, b: {hangup: true}}")
        .startNode().gather();
    assertThat(keysOnly.numDigits()).as("keys longer than one digit").isNull();
    assertThat(keysOnly.route(null, "12")).as("speech is not listened to").isNull();
    assertThat(keysOnly.route("12", null)).isEqualTo("b");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "unknown option target | nodes: {a: {gather: {options: {'1': nowhere}}}} "
          + "| channels.twilio.ivr.nodes.a.gather.options.1 names node 'nowhere', which is not among the nodes [a]",
      "unknown start | {start: b, nodes: {a: {hangup: true}}} | channels.twilio.ivr.start names node 'b'",
      "unknown otherwise | nodes: {a: {gather: {otherwise: z}}} | nodes.a.gather.otherwise names node 'z'",
      "unknown next | nodes: {a: {say: hi, next: z}} | nodes.a.next names node 'z'",
      "unknown setting | nodes: {a: {sya: hi}} | nodes.a has an unknown setting 'sya'",
      "unknown menu setting | {nodez: {}} | channels.twilio.ivr has an unknown setting 'nodez'",
      "no nodes | {start: a} | channels.twilio.ivr.nodes is required",
      "empty nodes | {nodes: {}} | must name at least one node",
      "not a map | [a, b] | channels.twilio.ivr must be a mapping",
      "bad node name | nodes: {'a b': {hangup: true}} | node names are 1 to 40 letters",
      "two actions | nodes: {a: {record: true, hangup: true}} | has more than one of gather, record, dial and hangup",
      "next after gather | nodes: {a: {gather: {}, next: a}} | nodes.a.next cannot follow a gather",
      "next after hangup | nodes: {a: {hangup: true, next: a}} | nodes.a.next cannot follow a hangup",
      "idle node | nodes: {a: {voice: alice}} | nodes.a does nothing",
      "words without speech | nodes: {a: {gather: {input: dtmf, options: {sales: a}}}} | input must include speech",
      "bad input | nodes: {a: {gather: {input: keys}}} | gather.input must be dtmf, speech or both",
      "option without target | nodes: {a: {gather: {options: {'1': {x: y}}}}} | maps each answer",
      "timeout out of range | nodes: {a: {gather: {timeout: 0}}} | gather.timeout must be between 1 and 60, got 0",
      "timeout not a number | nodes: {a: {gather: {timeout: soon}}} | gather.timeout must be a whole number",
      "long transcription | nodes: {a: {record: {maxLength: 300}}} | record.maxLength is 300 s, but Twilio transcribes",
      "bad boolean | nodes: {a: {record: {transcribe: yes please}}} | record.transcribe must be true or false",
      "dial two targets | nodes: {a: {dial: {number: '+15550100200', queue: q}}} | needs exactly one of number",
      "dial no target | nodes: {a: {dial: {timeout: 10}}} | needs exactly one of number",
      "dial bad number | nodes: {a: {dial: {number: '555-0100'}}} | dial.number must be an E.164 number",
      "queue with timeout | nodes: {a: {dial: {queue: q, timeout: 10}}} | timeout and callerId apply to number",
      "bad language | {language: english!, nodes: {a: {hangup: true}}} | language must be a language tag",
      "empty say | nodes: {a: {say: ''}} | nodes.a.say must not be empty",
  })
  void refusesMistakesWithTheSettingToFix(String what, String yaml, String expected) {
    Object raw = yaml(yaml);
    assertThatThrownBy(() -> IvrMenu.parse("acme", raw))
        .as(what)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("tenant 'acme' has an invalid voice menu: ")
        .hasMessageContaining(expected);
  }

  @Test
  void aTenantWithoutAMenuHasNone() {
    ChannelSettings none = new ChannelSettings("acme", Map.of("phoneNumbers", List.of("+15550006000")), Map.of());
    assertThat(IvrMenu.of(none)).isEmpty();
    assertThatThrownBy(() -> IvrMenu.require(none))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tenant 'acme' has no voice menu")
        .hasMessageContaining("channels.twilio.ivr");
  }

  private static IvrMenu menu(String yaml) {
    return IvrMenu.parse("acme", yaml(yaml));
  }

  private static Object yaml(String yaml) {
    try {
      return new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
