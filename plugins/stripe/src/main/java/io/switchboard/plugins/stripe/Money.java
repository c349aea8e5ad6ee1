package io.switchboard.plugins.stripe;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Set;

/**
 * Stripe amounts (integers in the currency's smallest unit) as decimal strings in major units, and
 * recurring prices normalised to a month, which is what {@code billing.mrr} holds.
 */
final class Money {

  /** Currencies Stripe counts in whole units (docs.stripe.com/currencies#zero-decimal). */
  static final Set<String> ZERO_DECIMAL = Set.of("bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg",
      "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf");
  /** Currencies Stripe counts in thousandths (docs.stripe.com/currencies#three-decimal). */
  static final Set<String> THREE_DECIMAL = Set.of("bhd", "jod", "kwd", "omr", "tnd");

  private static final BigDecimal TWELVE = BigDecimal.valueOf(12);

  private Money() {}

  /** Digits after the decimal point of {@code currency} (ISO code, any case). */
  static int digits(String currency) {
    String c = currency == null ? "" : currency.toLowerCase(Locale.ROOT);
    return ZERO_DECIMAL.contains(c) ? 0 : THREE_DECIMAL.contains(c) ? 3 : 2;
  }

  /** A minor-unit amount in major units as a plain decimal string: 1999 usd → {@code 19.99}. */
  static String major(BigDecimal minor, String currency) {
    int digits = digits(currency);
    return minor.movePointLeft(digits).setScale(digits, RoundingMode.HALF_UP).toPlainString();
  }

  static String major(long minor, String currency) {
    return major(BigDecimal.valueOf(minor), currency);
  }

  /**
   * What a recurring amount is worth per month, in minor units: a year's amount / 12, a week's
   * × 52 / 12, a day's × 365 / 12, each divided by the interval count (every 3 months → / 3).
   *
   * @throws IllegalArgumentException for an interval Stripe does not have
   */
  static BigDecimal monthly(BigDecimal amount, String interval, long intervalCount) {
    BigDecimal perInterval = switch (interval == null ? "" : interval) {
      case "month" -> amount;
      case "year" -> amount.divide(TWELVE, 10, RoundingMode.HALF_UP);
      case "week" -> amount.multiply(BigDecimal.valueOf(52)).divide(TWELVE, 10, RoundingMode.HALF_UP);
      case "day" -> amount.multiply(BigDecimal.valueOf(365)).divide(TWELVE, 10, RoundingMode.HALF_UP);
      default -> throw new IllegalArgumentException("unknown recurring interval '" + interval + "'");
    };
    return intervalCount > 1 ? perInterval.divide(BigDecimal.valueOf(intervalCount), 10, RoundingMode.HALF_UP) : perInterval;
  }
}
