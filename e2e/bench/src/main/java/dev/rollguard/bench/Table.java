package dev.rollguard.bench;

import dev.rollguard.bench.Results.SizeResult;
import java.util.List;

/** The results as a Markdown table: readable on the terminal, pasted as-is into the docs. */
final class Table {

  private static final String[] HEADER = {
    "Rollouts",
    "Metrics",
    "Adopt all (s)",
    "Heap after GC (MiB)",
    "Heap/Rollout (KiB)",
    "RSS (MiB)",
    "RSS/Rollout (KiB)",
    "CPU idle (s/min)",
    "CPU wave (s/min)",
    "Tick lag p50 (s)",
    "Tick lag p99 (s)",
    "Breach→rollback p50 (s)",
    "Breach→rollback p99 (s)",
    "API req/s idle",
    "API req/s wave",
    "Metrics req/s wave"
  };

  private Table() {}

  static String render(List<SizeResult> runs) {
    StringBuilder table = new StringBuilder();
    row(table, HEADER);
    String[] rule = new String[HEADER.length];
    java.util.Arrays.fill(rule, "---:");
    rule[1] = "---";
    row(table, rule);
    for (SizeResult run : runs) {
      var idle = run.idle();
      var wave = run.wave();
      row(
          table,
          new String[] {
            String.format("%,d", run.rollouts()),
            run.metricsSource(),
            f1(run.adoptSeconds()),
            f1(idle.heapAfterGcMiB()),
            f1(idle.heapPerRolloutKiB()),
            f1(idle.residentMiB()),
            f1(idle.residentPerRolloutKiB()),
            f2(idle.cpuSecondsPerMinute()),
            f1(wave.cpuSecondsPerMinute()),
            f3(wave.tickLagP50Seconds()),
            f3(wave.tickLagP99Seconds()),
            f1(wave.breachToRollbackP50Seconds()),
            f1(wave.breachToRollbackP99Seconds()),
            f2(idle.apiRequestsPerSecond()),
            f1(wave.apiRequestsPerSecond()),
            f1(wave.metricsRequestsPerSecond())
          });
    }
    return table.toString();
  }

  private static void row(StringBuilder table, String[] cells) {
    table.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }

  private static String f1(double value) {
    return String.format("%.1f", value);
  }

  private static String f2(double value) {
    return String.format("%.2f", value);
  }

  private static String f3(double value) {
    return String.format("%.3f", value);
  }
}
