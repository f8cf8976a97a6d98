package dev.rollguard.operator.api;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Kubernetes users write them: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h30m}.
 * The CRD validates them at apply time with {@link #RULE}, {@link #RANGE_RULE} and, for durations
 * that must not be zero, {@link #POSITIVE_RULE}; {@link #parse} reads them.
 *
 * <p>Each number is bounded by its unit: at most {@value #MAX_HOURS}h, {@value #MAX_MINUTES}m,
 * {@value #MAX_SECONDS}s or {@value #MAX_MILLIS}ms (5, 7, 9 and 9 digits). With at most {@value
 * #MAX_LENGTH} characters no accepted duration reaches 100 years (the largest is
 * 999999999s999999999s999999999s9h, about 95 years), so {@code Instant.plus}, {@code toMillis} and
 * {@code toNanos} of it cannot overflow, nor can CEL's {@code duration()} (at most 2562047h).
 */
public final class Durations {

  /** The longest duration text the CRD accepts. */
  public static final int MAX_LENGTH = 32;

  static final long MAX_HOURS = 99_999L;
  static final long MAX_MINUTES = 9_999_999L;
  static final long MAX_SECONDS = 999_999_999L;
  static final long MAX_MILLIS = 999_999_999L;

  static final String PATTERN = "^([0-9]+(ms|s|m|h))+$";

  /** CEL rule for a duration field: its format. */
  public static final String RULE = "self.matches('" + PATTERN + "')";

  public static final String MESSAGE = "must be a duration such as 30s, 10m or 1h30m";

  /**
   * CEL rule for a duration field: no number too large for its unit. A number longer than the bound
   * of its unit has 6 digits before h, 8 before m (not ms: an m followed by a digit or the end) or
   * 10 before s or ms.
   */
  public static final String RANGE_RULE = "!self.matches('[0-9]{6}h|[0-9]{8}m([0-9]|$)|[0-9]{10}')";

  public static final String RANGE_MESSAGE =
      "is too large: each number must be at most "
          + MAX_HOURS
          + "h, "
          + MAX_MINUTES
          + "m, "
          + MAX_SECONDS
          + "s or "
          + MAX_MILLIS
          + "ms";

  /** CEL rule for a duration field that must not be zero: refuses 0s, 0ms, 0h0m, 00s... */
  public static final String POSITIVE_RULE = "!self.matches('^(0+(ms|s|m|h))+$')";

  public static final String POSITIVE_MESSAGE =
      "must be a positive duration such as 15s, 10m or 1h30m";

  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {}

  /**
   * Reads a duration the CRD accepts; zero is read as {@link Duration#ZERO} (whether it is allowed
   * is the field's business).
   *
   * @throws IllegalArgumentException if the text is malformed, longer than {@value #MAX_LENGTH}
   *     characters, or has a number with more digits than the bound of its unit (leading zeros
   *     count)
   */
  public static Duration parse(String text) {
    if (text != null && text.length() > MAX_LENGTH) {
      // Checked first: the format's regex on a huge text would be slow, and the message would be
      // huge.
      throw new IllegalArgumentException(
          "'"
              + text.substring(0, MAX_LENGTH)
              + "...' is too long: a duration has at most "
              + MAX_LENGTH
              + " characters");
    }
    if (text == null || !text.matches(PATTERN)) {
      throw new IllegalArgumentException("'" + text + "' " + MESSAGE);
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(text);
    while (part.find()) {
      String digits = part.group(1);
      String unit = part.group(2);
      long max =
          switch (unit) {
            case "ms" -> MAX_MILLIS;
            case "s" -> MAX_SECONDS;
            case "m" -> MAX_MINUTES;
            default -> MAX_HOURS;
          };
      // Every bound is all nines, so counting digits (leading zeros too, as the CRD's rule does)
      // is the whole check, and Long.parseLong never sees more than 9 digits.
      if (digits.length() > Long.toString(max).length()) {
        throw new IllegalArgumentException("'" + text + "' " + RANGE_MESSAGE);
      }
      long amount = Long.parseLong(digits);
      total =
          total.plus(
              switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
              });
    }
    return total;
  }

  /**
   * A duration in messages, the one style people read in events, status and reports: {@code 500ms},
   * {@code 1.5s}, {@code 42s}, {@code 2m05s}, {@code 10m}, {@code 1h05m}, {@code 1h00m30s}. Below a
   * minute it is exact to the millisecond; from a minute on, to the second.
   */
  public static String words(Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      return "0s";
    }
    if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
      return duration.toMillis() + "ms";
    }
    if (duration.compareTo(Duration.ofMinutes(1)) < 0) {
      return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
    }
    long hours = duration.toHours();
    int minutes = duration.toMinutesPart();
    int seconds = duration.toSecondsPart();
    StringBuilder text = new StringBuilder();
    if (hours > 0) {
      text.append(hours).append('h');
      if (minutes > 0 || seconds > 0) {
        text.append(String.format("%02dm", minutes));
      }
    } else {
      text.append(minutes).append('m');
    }
    if (seconds > 0) {
      text.append(String.format("%02ds", seconds));
    }
    return text.toString();
  }

  /** The shortest form, e.g. {@code 1h30m}; {@link #parse} reads it back if under 100000h. */
  public static String format(Duration duration) {
    StringBuilder text = new StringBuilder();
    long hours = duration.toHours();
    int minutes = duration.toMinutesPart();
    int seconds = duration.toSecondsPart();
    int millis = duration.toMillisPart();
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (seconds > 0) {
      text.append(seconds).append('s');
    }
    if (millis > 0 || text.length() == 0) {
      text.append(millis).append("ms");
    }
    return text.toString();
  }
}
