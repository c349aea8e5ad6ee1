package io.switchboard.plugins.aillm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {

  @Test
  void rendersEachPlaceholderOnceAndLeavesTheRestAlone() {
    PromptTemplate t = PromptTemplate.parse("prompt", "Hi {{ contact.displayName }}, on {{channel}}: {{text}} {x} }}");

    assertThat(t.placeholders()).containsExactly("contact.displayName", "channel", "text");
    assertThat(t.render(Map.of("contact.displayName", "Ada", "channel", "sms", "text", "refund {{kb}}")))
        .isEqualTo("Hi Ada, on sms: refund {{kb}} {x} }}");
    assertThat(t.render(Map.of())).isEqualTo("Hi , on :  {x} }}");
    assertThat(PromptTemplate.parse("prompt", "").render(Map.of("text", "x"))).isEmpty();
    assertThat(PromptTemplate.parse("prompt", "{{text}}{{text}}").render(Map.of("text", "ab"))).isEqualTo("abab");
  }

  @Test
  void unknownOrUnclosedPlaceholdersNameTheField() {
    assertThatThrownBy(() -> PromptTemplate.parse("system", "{{name}}")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("system: unknown placeholder {{name}}; known placeholders: {{text}},");
    assertThatThrownBy(() -> PromptTemplate.parse("prompt", "{{}}")).hasMessageStartingWith("prompt: unknown placeholder {{}}");
    assertThatThrownBy(() -> PromptTemplate.parse("fallbackText", "a {{text}} b {{kb"))
        .hasMessage("fallbackText: '{{' without a matching '}}' (placeholders look like {{text}})");
  }
}
