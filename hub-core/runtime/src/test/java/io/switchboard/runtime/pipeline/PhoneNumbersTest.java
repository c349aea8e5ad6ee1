package io.switchboard.runtime.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

  private final PhoneNumbers us = new PhoneNumbers("US");

  @ParameterizedTest
  @CsvSource({
      "+15551230001, +15551230001",
      "(555) 123-0001, +15551230001",
      "555.123.0001, +15551230001",
      "+1 555 123 0001, +15551230001",
      "+44 20 7946 0958, +442079460958",
      "+49 30 901820, +4930901820",
      "011 44 20 7946 0958, +442079460958"})
  void normalisesToE164(String raw, String e164) {
    assertThat(us.toE164(raw)).contains(e164);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "hello", "12", "MyBrand"})
  void refusesWhatIsNotAPhoneNumber(String raw) {
    assertThat(us.toE164(raw)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void theDefaultRegionAppliesToNationalNumbers() {
    assertThat(new PhoneNumbers("GB").toE164("020 7946 0958")).contains("+442079460958");
  }
}
