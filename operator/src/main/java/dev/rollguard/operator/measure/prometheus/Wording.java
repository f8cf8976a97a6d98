package dev.rollguard.operator.measure.prometheus;

import dev.rollguard.operator.api.Durations;
import java.net.URI;
import java.time.Duration;

/** Pieces of the reasons people read in a Rollout's status. */
final class Wording {

  private Wording() {}

  /**
   * {@code 5s}, {@code 1.5s}, {@code 500ms}, {@code 2m}: the one style of durations in messages
   * ({@link Durations#words}), exact for timeouts under a minute.
   */
  static String duration(Duration duration) {
    return Durations.words(duration);
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
