package io.switchboard.api;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict parser for {@code application/x-www-form-urlencoded} bodies (the WHATWG rules: '+' is a
 * space, percent-escapes are UTF-8). Unlike lenient parsers it refuses malformed escapes and
 * invalid UTF-8, because a body that does not decode cannot have been signed by the provider.
 */
public final class FormData {

  private FormData() {}

  /**
   * Parses a form body.
   *
   * @return field name to its values in order of appearance; names in body order
   * @throws WebhookException 400 {@code malformed_form} saying where the body is broken
   */
  public static Map<String, List<String>> parse(byte[] body) throws WebhookException {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (body.length == 0) {
      return out;
    }
    String raw = decodeUtf8(body, "the form body");
    int pos = 0;
    for (String pair : raw.split("&", -1)) {
      if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        String name = unescape(eq < 0 ? pair : pair.substring(0, eq), pos);
        String value = eq < 0 ? "" : unescape(pair.substring(eq + 1), pos + eq + 1);
        out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
      }
      pos += pair.length() + 1;
    }
    out.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return Collections.unmodifiableMap(out);
  }

  /** The first value of a field, or null. */
  public static String first(Map<String, List<String>> form, String name) {
    List<String> v = form.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static String unescape(String s, int offset) throws WebhookException {
    if (s.indexOf('%') < 0) {
      return s.replace('+', ' ');
    }
    byte[] buf = new byte[s.length()];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '+') {
        buf[n++] = ' ';
      } else if (c == '%') {
        if (i + 2 >= s.length()) {
          throw WebhookException.badRequest("malformed_form",
              "malformed form body: incomplete percent-escape at offset " + (offset + i));
        }
        int hi = Character.digit(s.charAt(i + 1), 16);
        int lo = Character.digit(s.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw WebhookException.badRequest("malformed_form",
              "malformed form body: invalid percent-escape at offset " + (offset + i));
        }
        buf[n++] = (byte) ((hi << 4) | lo);
        i += 2;
      } else if (c < 0x80) {
        buf[n++] = (byte) c;
      } else {
        // Non-ASCII characters in the raw body: re-encode them as the UTF-8 they were.
        byte[] enc = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
          enc = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        if (n + enc.length > buf.length) {
          buf = java.util.Arrays.copyOf(buf, buf.length + enc.length + 16);
        }
        System.arraycopy(enc, 0, buf, n, enc.length);
        n += enc.length;
      }
    }
    return decodeUtf8(java.util.Arrays.copyOf(buf, n), "a form field at offset " + offset);
  }

  private static String decodeUtf8(byte[] bytes, String what) throws WebhookException {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw WebhookException.badRequest("malformed_form", "malformed form body: " + what + " is not valid UTF-8");
    }
  }
}
