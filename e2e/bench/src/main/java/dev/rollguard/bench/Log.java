package dev.rollguard.bench;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Progress lines on the terminal, with the time of day. */
final class Log {

  private Log() {}

  static void say(String line) {
    System.out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "  " + line);
    System.out.flush();
  }
}
