package dev.rollguard.operator.decide;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Timestamps in status are RFC 3339 with millisecond precision. */
final class Times {

  private Times() {}

  static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** Instants in status are kept to the millisecond. */
  static Instant millis(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
  }

  /** "2m05s" style, for messages. */
  static String words(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    if (seconds < 60) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    return seconds % 60 == 0
        ? minutes + "m"
        : minutes + "m" + String.format("%02d", seconds % 60) + "s";
  }
}
