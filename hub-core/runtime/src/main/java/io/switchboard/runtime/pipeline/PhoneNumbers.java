package io.switchboard.runtime.pipeline;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import java.util.Optional;

/** Phone numbers in E.164 form, via libphonenumber, so one person is one contact however they are written. */
public final class PhoneNumbers {

  private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

  private final String defaultRegion;

  /** @param defaultRegion ISO 3166 region for numbers written without a country code, e.g. US */
  public PhoneNumbers(String defaultRegion) {
    this.defaultRegion = defaultRegion;
  }

  /**
   * The E.164 form of a number ({@code +15551230001}), or empty when the text is not a possible
   * phone number (short codes, alphanumeric senders, garbage).
   */
  public Optional<String> toE164(String raw) {
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    try {
      Phonenumber.PhoneNumber n = UTIL.parse(raw.trim(), defaultRegion);
      if (!UTIL.isPossibleNumber(n)) {
        return Optional.empty();
      }
      return Optional.of(UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164));
    } catch (NumberParseException e) {
      return Optional.empty();
    }
  }

  /**
   * The address a contact is found by: the E.164 form of a sender's number, with a phone scheme
   * ({@code whatsapp:+1555...}) dropped; the address as given when it is not a phone number.
   */
  public String contactAddress(String from) {
    int colon = from.indexOf(':');
    if (colon > 0 && !from.startsWith("+")) {
      // another scheme (webchat:<session>) is an address of its own: libphonenumber would read the
      // digits of a session id as a number
      return PHONE_SCHEMES.contains(from.substring(0, colon).toLowerCase(java.util.Locale.ROOT))
          ? toE164(from.substring(colon + 1)).orElse(from) : from;
    }
    return toE164(from).orElse(from);
  }

  /** Schemes in front of a phone number: {@code whatsapp:+1555...}, {@code tel:}, {@code sms:}. */
  private static final java.util.Set<String> PHONE_SCHEMES = java.util.Set.of("whatsapp", "tel", "sms");
}
