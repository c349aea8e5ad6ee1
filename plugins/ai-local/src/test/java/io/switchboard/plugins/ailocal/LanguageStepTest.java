package io.switchboard.plugins.ailocal;

import static io.switchboard.testkit.StepTester.interaction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.testkit.StepConfigException;
import io.switchboard.testkit.StepTester;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ai.language step, configured and run the way the hub runs it in a tenant's workflow. */
class LanguageStepTest {

  private final StepTester<LanguageConfig> step = StepTester.of(new LanguageStepFactory());

  @Test
  void detectsTheLanguageAmongTheDefaultOnes() throws Exception {
    step.configure();

    Map<?, ?> fr = (Map<?, ?>) step.run("Bonjour, je voudrais annuler ma commande s'il vous plaît").get("language");
    assertThat(fr.get("code")).isEqualTo("fr");
    assertThat((Double) fr.get("confidence")).isBetween(0.1, 1.0);
    // One short word: some language wins, but barely.
    Map<?, ?> hallo = (Map<?, ?>) step.run("Hallo").get("language");
    assertThat((Double) hallo.get("confidence")).isLessThan((Double) fr.get("confidence"));
    assertThat(code(step.run("Hola, quiero cambiar la dirección de entrega de mi pedido"))).isEqualTo("es");
    assertThat(code(step.run("Hallo, ich möchte meine Bestellung stornieren"))).isEqualTo("de");
    assertThat(code(step.run("Where is my parcel? It should have arrived yesterday."))).isEqualTo("en");
    assertThat(code(step.run("Здравствуйте, где мой заказ?"))).isEqualTo("ru");
    assertThat(code(step.run("我的订单在哪里"))).isEqualTo("zh");
  }

  @Test
  void shortOrEmptyTextIsUnknown() throws Exception {
    step.configure();
    Map<String, Object> unknown = Map.of("language", Map.of("code", "unknown", "confidence", 0.0));
    assertThat(step.run("")).isEqualTo(unknown);
    assertThat(step.run("ok")).isEqualTo(unknown);
    assertThat(step.run("123 456 !!!")).isEqualTo(unknown);
    step.configure(Map.of("minLetters", 10));
    assertThat(step.run("Merci bien")).isEqualTo(unknown);
  }

  @Test
  void aConfiguredSetAndBatches() throws Exception {
    step.configure(Map.of("languages", List.of("en", "pt", "es")));
    List<Map<String, Object>> signals = step.runBatch(List.of(
        interaction().text("Olá, gostaria de cancelar o meu pedido").build(),
        interaction().text("I would like to cancel my order").build()));
    assertThat(signals).extracting(LanguageStepTest::code).containsExactly("pt", "en");
  }

  @Test
  void configErrorsNameTheField() {
    assertThatThrownBy(() -> step.configure(Map.of("language", List.of("en"))))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.language': unknown field 'language'; known fields: languages, lowAccuracy, minLetters");
    assertThatThrownBy(() -> step.configure(Map.of("languages", List.of("en", "xx"))))
        .isInstanceOf(StepConfigException.class)
        .hasMessageStartingWith("step 'ai.language': languages[1]: 'xx' is not an ISO 639-1 code Lingua knows; known: af, ar,");
    assertThatThrownBy(() -> step.configure(Map.of("languages", List.of("en", "EN"))))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.language': languages: give at least two different languages to tell apart");
    assertThatThrownBy(() -> step.configure(Map.of("minLetters", -1)))
        .isInstanceOf(StepConfigException.class)
        .hasMessage("step 'ai.language': minLetters: must not be negative, got -1");
  }

  private static Object code(Map<String, Object> signals) {
    return ((Map<?, ?>) signals.get("language")).get("code");
  }
}
