package dev.rollguard.operator.measure.prometheus;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;

/** Pieces of the reasons people read in a Rollout's status. */
final class Wording {

  private Wording() {}

  /** {@code 5s}, {@code 1.5s}, {@code 500ms}, {@code 2m}: how users write timeouts in a Rollout. */
  static String duration(Duration duration) {
    if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
      return duration.toMillis() + "ms";
    }
    if (duration.toMillis() % 60_000 == 0) {
      return duration.toMinutes() + "m";
    }
    return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString() + "s";
  }

  /** The address without user info, which may hold a password. */
  static String address(URI address) {
    if (address.getRawUserInfo() == null || address.getHost() == null) {
      return address.toString();
    }
    String port = address.getPort() < 0 ? "" : ":" + address.getPort();
    String path = address.getRawPath() == null ? "" : address.getRawPath();
    return address.getScheme() + "://" + address.getHost() + port + path;
  }

  /**
   * At most {@code max} characters of {@code text} on one line, so a whole HTML page never lands in
   * a status.
   */
  static String snippet(String text, int max) {
    String oneLine = text == null ? "" : text.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max) + "…";
  }
}
