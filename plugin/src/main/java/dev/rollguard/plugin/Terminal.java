package dev.rollguard.plugin;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

/** Where a command prints, what it reads from its environment, and its clock (tests set them). */
record Terminal(
    PrintStream out, PrintStream err, Map<String, String> env, Clock clock, boolean tty) {

  static Terminal system() {
    return new Terminal(
        System.out, System.err, System.getenv(), Clock.systemUTC(), System.console() != null);
  }

  Kubectl kubectl(ClusterOptions options) {
    return Kubectl.from(env, options, err);
  }
}
