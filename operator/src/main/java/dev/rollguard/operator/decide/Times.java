package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.Durations;
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

  /**
   * A measured or configured time in a message, to the second: "42s", "2m05s" ({@link
   * Durations#words}, the one style of durations in messages).
   */
  static String words(Duration duration) {
    return Durations.words(Duration.ofSeconds(Math.max(0, duration.toSeconds())));
  }
}
