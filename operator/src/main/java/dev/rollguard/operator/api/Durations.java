package dev.rollguard.operator.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Kubernetes users write them: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 1h30m}.
 * The CRD validates the format at apply time with {@link #RULE}; {@link #parse} reads it.
 */
public final class Durations {

  static final String PATTERN = "^([0-9]+(ms|s|m|h))+$";
  /** CEL rule for a duration field. */
  public static final String RULE = "self.matches('" + PATTERN + "')";
  public static final String MESSAGE = "must be a duration such as 30s, 10m or 1h30m";

  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {}

  public static Duration parse(String text) {
    if (text == null || !text.matches(PATTERN)) {
      throw new IllegalArgumentException("'" + text + "' " + MESSAGE);
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(text);
    while (part.find()) {
      long amount = Long.parseLong(part.group(1));
      total = total.plus(switch (part.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      });
    }
    return total;
  }

  /** The shortest form that {@link #parse} reads back, e.g. {@code 1h30m}. */
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
