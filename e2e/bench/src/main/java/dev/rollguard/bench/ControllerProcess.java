package dev.rollguard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A controller under measurement, running as its own process on this machine: Rollguard's operator
 * or a peer. CPU time and resident memory come from /proc for both; requests to the API server from
 * the controller's own counter.
 */
interface ControllerProcess extends AutoCloseable {

  long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

  /** The controller's process, started by the benchmark. */
  Process process();

  default long pid() {
    return process().pid();
  }

  default boolean alive() {
    return process().isAlive();
  }

  /** The name of the counter {@link #apiRequests} reads, and what it counts. */
  String apiRequestCounter();

  /**
   * Requests sent to the API server so far, summed per kind of request (the controller's own
   * labels: Rollguard's by verb, Argo Rollouts' by resource and verb).
   */
  Map<String, Double> apiRequests() throws IOException;

  /** User + system CPU seconds used so far. */
  default double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
    // Fields after the command name (which may contain spaces) start after the last ')'.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return (double) ticks / CLOCK_TICKS_PER_SECOND;
  }

  /** VmRSS from /proc/PID/status. */
  default long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS for pid " + pid());
  }
}
