package io.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormDataTest {

  private static Map<String, List<String>> parse(String body) throws WebhookException {
    return FormData.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decodesPlusPercentAndUtf8() throws Exception {
    Map<String, List<String>> f = parse("Body=Hello+there%21+%F0%9F%98%80&From=%2B15551230001&Empty=&Flag");
    assertThat(FormData.first(f, "Body")).isEqualTo("Hello there! \uD83D\uDE00");
    assertThat(FormData.first(f, "From")).isEqualTo("+15551230001");
    assertThat(FormData.first(f, "Empty")).isEmpty();
    assertThat(FormData.first(f, "Flag")).isEmpty();
    assertThat(FormData.first(f, "Missing")).isNull();
  }

  @Test
  void keepsRepeatedFieldsInOrderAndFieldOrder() throws Exception {
    Map<String, List<String>> f = parse("b=1&a=2&b=3");
    assertThat(f.get("b")).containsExactly("1", "3");
    assertThat(f.keySet()).containsExactly("b", "a");
  }

  @Test
  void emptyBodyIsAnEmptyForm() throws Exception {
    assertThat(FormData.parse(new byte[0])).isEmpty();
    assertThat(parse("&&")).isEmpty();
  }

  @Test
  void refusesBrokenEscapesWithTheirOffset() {
    WebhookException bad = catchThrowableOfType(WebhookException.class, () -> parse("a=1&Body=%ZZ"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.code()).isEqualTo("malformed_form");
    assertThat(bad.getMessage()).contains("offset 9");

    WebhookException cut = catchThrowableOfType(WebhookException.class, () -> parse("Body=abc%2"));
    assertThat(cut.getMessage()).contains("incomplete");
  }

  @Test
  void refusesInvalidUtf8() {
    WebhookException e = catchThrowableOfType(WebhookException.class, () -> parse("Body=%C3%28"));
    assertThat(e.getMessage()).contains("UTF-8");
    WebhookException raw = catchThrowableOfType(WebhookException.class,
        () -> FormData.parse(new byte[] {'a', '=', (byte) 0xC3, (byte) 0x28}));
    assertThat(raw.getMessage()).contains("UTF-8");
  }
}
