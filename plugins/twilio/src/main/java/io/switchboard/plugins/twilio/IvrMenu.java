package io.switchboard.plugins.twilio;

import io.switchboard.api.ChannelSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A tenant's voice IVR menu, read from {@code channels.twilio.ivr} in the tenant file: named nodes,
 * each saying something and then gathering a choice, recording a message, dialling an agent,
 * queueing the caller, hanging up or moving on to another node. {@link #parse} checks the whole
 * menu at once (every node a choice leads to exists, every value has its type and range) and
 * fails with an {@link IllegalStateException} that names the tenant and the setting to fix; the
 * hub answers that as {@code 500 channel_misconfigured}. Immutable.
 *
 * @param start the node an incoming call begins at
 * @param nodes the nodes by name, in the file's order
 */
record IvrMenu(String start, Map<String, Node> nodes) {

  /** The tenant setting under {@code channels.twilio}. */
  static final String SETTING = "ivr";

  /** Node names travel in callback URLs: unreserved characters only, so no encoding can differ. */
  static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,40}");
  private static final Pattern DTMF_KEY = Pattern.compile("[0-9*#]{1,10}");
  private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");
  private static final Pattern LANGUAGE = Pattern.compile("[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}");
  /** Twilio transcribes recordings of at most two minutes. */
  static final int MAX_TRANSCRIBED_SECONDS = 120;

  private static final Set<String> MENU_KEYS = Set.of("start", "voice", "language", "nodes");
  private static final Set<String> NODE_KEYS =
      Set.of("say", "voice", "language", "gather", "record", "dial", "hangup", "next");
  private static final Set<String> GATHER_KEYS =
      Set.of("input", "numDigits", "timeout", "finishOnKey", "hints", "options", "otherwise");
  private static final Set<String> RECORD_KEYS = Set.of("maxLength", "transcribe", "playBeep", "finishOnKey", "timeout");
  private static final Set<String> DIAL_KEYS = Set.of("number", "client", "queue", "timeout", "callerId");

  /**
   * One step of the menu. At most one of {@code gather}, {@code record}, {@code dial} and
   * {@code hangup}; {@code next} follows a node that neither gathers nor hangs up.
   *
   * @param say what to say first, null for nothing
   * @param voice the Twilio voice of {@code say} ({@code Polly.Joanna}), null for Twilio's default
   * @param language the language of {@code say} and of speech recognition, null for Twilio's default
   * @param next the node to continue with after this one, null to end there
   */
  record Node(String name, String say, String voice, String language, Gather gather, Recording record, Dial dial,
      boolean hangup, String next) {}

  /**
   * Waits for keys or speech and routes the answer.
   *
   * @param options an answer (keys, or words to recognise in speech) to the node it leads to
   * @param otherwise where silence and unknown answers lead; the same node when not configured
   */
  record Gather(boolean dtmf, boolean speech, Integer numDigits, int timeout, String finishOnKey, String hints,
      Map<String, String> options, String otherwise) {

    /** The node the caller's answer leads to, null when no option matches. */
    String route(String digits, String speechResult) {
      if (dtmf && digits != null && !digits.isEmpty()) {
        String target = options.get(digits);
        if (target != null) {
          return target;
        }
      }
      if (speech && speechResult != null && !speechResult.isBlank()) {
        String said = " " + words(speechResult) + " ";
        for (Map.Entry<String, String> option : options.entrySet()) {
          String key = words(option.getKey());
          if (!key.isEmpty() && said.contains(" " + key + " ")) {
            return option.getValue();
          }
        }
      }
      return null;
    }

    /** Lower case, letters and digits only, single spaces: "Sales, please." is "sales please". */
    static String words(String s) {
      return s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").trim();
    }
  }

  /** Records a message; the recording (and its transcript, when asked for) becomes an interaction. */
  record Recording(int maxLength, boolean transcribe, boolean playBeep, String finishOnKey, int timeout) {}

  /** Connects the caller to an agent's number or Twilio Client, or puts them in a Twilio queue. */
  record Dial(String number, String client, String queue, Integer timeout, String callerId) {}

  /** The menu's node of this name, if there is one. */
  Optional<Node> node(String name) {
    return Optional.ofNullable(name == null ? null : nodes.get(name));
  }

  /** The node calls begin at. */
  Node startNode() {
    return nodes.get(start);
  }

  /** The tenant's menu, empty when the tenant configures none. */
  static Optional<IvrMenu> of(ChannelSettings settings) {
    Object raw = settings.values().get(SETTING);
    return raw == null ? Optional.empty() : Optional.of(parse(settings.tenantId(), raw));
  }

  /**
   * The tenant's menu.
   *
   * @throws IllegalStateException when the tenant configures none, or an invalid one
   */
  static IvrMenu require(ChannelSettings settings) {
    return of(settings).orElseThrow(() -> new IllegalStateException("tenant '" + settings.tenantId()
        + "' has no voice menu: add channels.twilio." + SETTING + " to its tenant file (see docs/channels.md,"
        + " Voice IVR) before pointing a Twilio number's voice webhook at the hub"));
  }

  /**
   * Reads and checks a menu as the tenant file's YAML parser delivers it (maps, lists, strings,
   * numbers, booleans).
   *
   * @throws IllegalStateException naming the tenant and the setting at fault
   */
  static IvrMenu parse(String tenantId, Object raw) {
    return new Reader(tenantId).menu(raw);
  }

  /** Reads YAML values with errors that say where: {@code channels.twilio.ivr.nodes.main.gather.timeout}. */
  private static final class Reader {

    private final String tenantId;

    Reader(String tenantId) {
      this.tenantId = tenantId;
    }

    IvrMenu menu(Object raw) {
      String at = "channels.twilio." + SETTING;
      Map<String, Object> menu = map(raw, at);
      onlyKeys(menu, at, MENU_KEYS);
      String voice = string(menu, "voice", at);
      String language = language(menu, at);
      Map<String, Object> rawNodes = map(menu.get("nodes"), at + ".nodes");
      if (rawNodes.isEmpty()) {
        throw error(at + ".nodes", "must name at least one node");
      }
      Map<String, Node> nodes = new LinkedHashMap<>();
      for (Map.Entry<String, Object> e : rawNodes.entrySet()) {
        String name = e.getKey();
        if (!NODE_NAME.matcher(name).matches()) {
          throw error(at + ".nodes", "has a node named '" + TwilioSmsConnector.abbreviate(name)
              + "'; node names are 1 to 40 letters, digits, '_' or '-'");
        }
        nodes.put(name, node(name, e.getValue(), at + ".nodes." + name, voice, language));
      }
      String start = string(menu, "start", at);
      if (start == null) {
        start = nodes.keySet().iterator().next();
      }
      IvrMenu result = new IvrMenu(start, java.util.Collections.unmodifiableMap(nodes));
      checkTarget(result, start, at + ".start");
      for (Node node : nodes.values()) {
        String nodeAt = at + ".nodes." + node.name();
        checkTarget(result, node.next(), nodeAt + ".next");
        if (node.gather() != null) {
          checkTarget(result, node.gather().otherwise(), nodeAt + ".gather.otherwise");
          for (Map.Entry<String, String> option : node.gather().options().entrySet()) {
            checkTarget(result, option.getValue(), nodeAt + ".gather.options." + option.getKey());
          }
        }
      }
      return result;
    }

    private void checkTarget(IvrMenu menu, String target, String at) {
      if (target != null && !menu.nodes().containsKey(target)) {
        throw error(at, "names node '" + TwilioSmsConnector.abbreviate(target) + "', which is not among the nodes "
            + menu.nodes().keySet().stream().sorted().toList());
      }
    }

    private Node node(String name, Object raw, String at, String menuVoice, String menuLanguage) {
      Map<String, Object> node = map(raw, at);
      onlyKeys(node, at, NODE_KEYS);
      String say = string(node, "say", at);
      String voice = Optional.ofNullable(string(node, "voice", at)).orElse(menuVoice);
      String language = Optional.ofNullable(language(node, at)).orElse(menuLanguage);
      Gather gather = node.containsKey("gather") ? gather(name, node.get("gather"), at + ".gather") : null;
      Recording record = node.containsKey("record") ? record(node.get("record"), at + ".record") : null;
      Dial dial = node.containsKey("dial") ? dial(node.get("dial"), at + ".dial") : null;
      boolean hangup = bool(node, "hangup", at, false);
      String next = string(node, "next", at);
      int actions = (gather != null ? 1 : 0) + (record != null ? 1 : 0) + (dial != null ? 1 : 0) + (hangup ? 1 : 0);
      if (actions > 1) {
        throw error(at, "has more than one of gather, record, dial and hangup; give each its own node and link them"
            + " with gather options or next");
      }
      if (next != null && (gather != null || hangup)) {
        throw error(at + ".next", gather != null ? "cannot follow a gather: its options and otherwise say where to go"
            : "cannot follow a hangup");
      }
      if (say == null && actions == 0 && next == null) {
        throw error(at, "does nothing: give it say, gather, record, dial, hangup or next");
      }
      return new Node(name, say, voice, language, gather, record, dial, hangup, next);
    }

    private Gather gather(String node, Object raw, String at) {
      Map<String, Object> gather = map(raw, at);
      onlyKeys(gather, at, GATHER_KEYS);
      Map<String, Object> rawOptions = gather.containsKey("options") ? map(gather.get("options"), at + ".options") : Map.of();
      Map<String, String> options = new LinkedHashMap<>();
      boolean wordKeys = false;
      boolean singleKeys = true;
      for (Map.Entry<String, Object> e : rawOptions.entrySet()) {
        String key = e.getKey().trim();
        Object target = e.getValue();
        if (key.isEmpty() || !(target instanceof String s) || s.isBlank()) {
          throw error(at + ".options", "maps each answer (keys such as \"1\", or words such as sales) to the name"
              + " of a node; '" + TwilioSmsConnector.abbreviate(e.getKey()) + "' does not");
        }
        boolean dtmfKey = DTMF_KEY.matcher(key).matches();
        wordKeys |= !dtmfKey;
        singleKeys &= !dtmfKey || key.length() == 1;
        options.put(key, s.trim());
      }
      boolean dtmf;
      boolean speech;
      if (gather.containsKey("input")) {
        List<String> input = words(gather.get("input"), at + ".input");
        if (input.isEmpty() || !Set.of("dtmf", "speech").containsAll(input)) {
          throw error(at + ".input", "must be dtmf, speech or both (\"dtmf speech\"), got " + input);
        }
        dtmf = input.contains("dtmf");
        speech = input.contains("speech");
        if (wordKeys && !speech) {
          throw error(at + ".options", "has spoken answers (not keys), so input must include speech");
        }
      } else {
        dtmf = true;
        speech = wordKeys;
      }
      Integer numDigits = integer(gather, "numDigits", at, 1, 20);
      if (numDigits == null && dtmf && singleKeys && !options.isEmpty()) {
        numDigits = 1;
      }
      Integer timeout = integer(gather, "timeout", at, 1, 60);
      String finishOnKey = string(gather, "finishOnKey", at);
      if (finishOnKey != null && !finishOnKey.matches("[0-9*#]?")) {
        throw error(at + ".finishOnKey", "must be one key (0-9, * or #) or \"\"");
      }
      String hints = string(gather, "hints", at);
      if (hints == null && speech) {
        List<String> spoken = options.keySet().stream().filter(k -> !DTMF_KEY.matcher(k).matches()).toList();
        hints = spoken.isEmpty() ? null : String.join(", ", spoken);
      }
      String otherwise = string(gather, "otherwise", at);
      return new Gather(dtmf, speech, numDigits, timeout == null ? 5 : timeout, finishOnKey, hints,
          java.util.Collections.unmodifiableMap(options), otherwise == null ? node : otherwise);
    }

    private Recording record(Object raw, String at) {
      Map<String, Object> record = raw instanceof Boolean b && b ? Map.of() : map(raw, at);
      onlyKeys(record, at, RECORD_KEYS);
      boolean transcribe = bool(record, "transcribe", at, true);
      Integer maxLength = integer(record, "maxLength", at, 1, 14_400);
      if (transcribe && maxLength != null && maxLength > MAX_TRANSCRIBED_SECONDS) {
        throw error(at + ".maxLength", "is " + maxLength + " s, but Twilio transcribes recordings of at most "
            + MAX_TRANSCRIBED_SECONDS + " s; lower it or set transcribe: false");
      }
      String finishOnKey = string(record, "finishOnKey", at);
      if (finishOnKey != null && !finishOnKey.matches("[0-9*#]*")) {
        throw error(at + ".finishOnKey", "must be keys among 0-9, * and #");
      }
      Integer timeout = integer(record, "timeout", at, 1, 60);
      return new Recording(maxLength == null ? MAX_TRANSCRIBED_SECONDS : maxLength, transcribe,
          bool(record, "playBeep", at, true), finishOnKey, timeout == null ? 5 : timeout);
    }

    private Dial dial(Object raw, String at) {
      Map<String, Object> dial = map(raw, at);
      onlyKeys(dial, at, DIAL_KEYS);
      String number = string(dial, "number", at);
      String client = string(dial, "client", at);
      String queue = string(dial, "queue", at);
      long targets = java.util.stream.Stream.of(number, client, queue).filter(java.util.Objects::nonNull).count();
      if (targets != 1) {
        throw error(at, "needs exactly one of number (an agent's phone, E.164), client (a Twilio Client identity)"
            + " and queue (a Twilio queue the caller waits in)");
      }
      if (number != null && !E164.matcher(number).matches()) {
        throw error(at + ".number", "must be an E.164 number such as +15550100200, got '"
            + TwilioSmsConnector.abbreviate(number) + "'");
      }
      String callerId = string(dial, "callerId", at);
      if (callerId != null && !E164.matcher(callerId).matches()) {
        throw error(at + ".callerId", "must be an E.164 number of the account");
      }
      Integer timeout = integer(dial, "timeout", at, 5, 600);
      if (queue != null && (timeout != null || callerId != null)) {
        throw error(at, "queues the caller: timeout and callerId apply to number and client only");
      }
      return new Dial(number, client, queue, timeout, callerId);
    }

    private String language(Map<String, Object> m, String at) {
      String language = string(m, "language", at);
      if (language != null && !LANGUAGE.matcher(language).matches()) {
        throw error(at + ".language", "must be a language tag such as en-US, got '"
            + TwilioSmsConnector.abbreviate(language) + "'");
      }
      return language;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Object raw, String at) {
      if (raw instanceof Map<?, ?> m) {
        Map<String, Object> copy = new LinkedHashMap<>();
        ((Map<Object, Object>) m).forEach((k, v) -> copy.put(String.valueOf(k), v));
        return copy;
      }
      throw error(at, raw == null ? "is required" : "must be a mapping of names to values");
    }

    private void onlyKeys(Map<String, Object> m, String at, Set<String> allowed) {
      for (String key : m.keySet()) {
        if (!allowed.contains(key)) {
          throw error(at, "has an unknown setting '" + TwilioSmsConnector.abbreviate(key) + "'; allowed: "
              + allowed.stream().sorted().toList());
        }
      }
    }

    private String string(Map<String, Object> m, String key, String at) {
      Object v = m.get(key);
      if (v == null) {
        return null;
      }
      if (v instanceof Map || v instanceof List) {
        throw error(at + "." + key, "must be a text");
      }
      String s = String.valueOf(v).trim();
      if (s.isEmpty() && !"finishOnKey".equals(key)) {
        throw error(at + "." + key, "must not be empty");
      }
      return s;
    }

    private Integer integer(Map<String, Object> m, String key, String at, int min, int max) {
      Object v = m.get(key);
      if (v == null) {
        return null;
      }
      long n;
      if (v instanceof Integer || v instanceof Long || v instanceof Short) {
        n = ((Number) v).longValue();
      } else if (v instanceof String s && s.trim().matches("[0-9]{1,9}")) {
        n = Long.parseLong(s.trim());
      } else {
        throw error(at + "." + key, "must be a whole number, got '" + TwilioSmsConnector.abbreviate(String.valueOf(v)) + "'");
      }
      if (n < min || n > max) {
        throw error(at + "." + key, "must be between " + min + " and " + max + ", got " + n);
      }
      return (int) n;
    }

    private boolean bool(Map<String, Object> m, String key, String at, boolean otherwise) {
      Object v = m.get(key);
      if (v == null) {
        return otherwise;
      }
      if (v instanceof Boolean b) {
        return b;
      }
      if ("true".equals(v) || "false".equals(v)) {
        return Boolean.parseBoolean((String) v);
      }
      throw error(at + "." + key, "must be true or false, got '" + TwilioSmsConnector.abbreviate(String.valueOf(v)) + "'");
    }

    private List<String> words(Object v, String at) {
      List<String> out = new ArrayList<>();
      if (v instanceof List<?> l) {
        l.forEach(x -> out.add(String.valueOf(x).trim().toLowerCase(Locale.ROOT)));
      } else if (v instanceof String s) {
        for (String w : s.trim().split("[\\s,]+")) {
          if (!w.isEmpty()) {
            out.add(w.toLowerCase(Locale.ROOT));
          }
        }
      } else {
        throw error(at, "must be dtmf, speech or both");
      }
      return out;
    }

    private IllegalStateException error(String at, String what) {
      return new IllegalStateException("tenant '" + tenantId + "' has an invalid voice menu: " + at + " " + what);
    }
  }
}
