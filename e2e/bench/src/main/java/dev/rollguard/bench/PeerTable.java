package dev.rollguard.bench;

import dev.rollguard.bench.Results.PeerRun;
import dev.rollguard.bench.Results.Side;
import dev.rollguard.bench.Results.Spread;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One size, Rollguard and its peer side by side: figure | Rollguard | peer | ratio. */
final class PeerTable {

  private PeerTable() {}

  private record Row(String figure, Function<Side, Double> value, String format) {}

  private static final List<Row> ROWS =
      List.of(
          new Row("adopt all (s)", s -> s.adoptSeconds(), "%.1f"),
          new Row("idle: RSS (MiB)", s -> s.idle().residentMiB(), "%.1f"),
          new Row("idle: CPU (s/min)", s -> s.idle().cpuSecondsPerMinute(), "%.2f"),
          new Row("idle: API req/s", s -> s.idle().apiRequestsPerSecond(), "%.2f"),
          new Row("idle: heap after GC (MiB)", s -> s.idle().heapAfterGcMiB(), "%.1f"),
          new Row("wave: deploys", s -> (double) s.wave().deploys(), "%.0f"),
          new Row("wave: breaching deploys", s -> (double) s.wave().breaching(), "%.0f"),
          new Row("wave (s)", s -> s.wave().seconds(), "%.1f"),
          new Row("wave: CPU s per deploy", s -> s.wave().cpuSecondsPerDeploy(), "%.3f"),
          new Row("wave: API requests per deploy", s -> s.wave().apiRequestsPerDeploy(), "%.1f"),
          new Row("wave: guard queries per deploy", s -> s.wave().guardQueriesPerDeploy(), "%.1f"),
          new Row(
              "wave: guard queries per breaching deploy (mean)",
              s -> s.wave().guardQueriesPerBreachingDeploy().mean(),
              "%.1f"),
          new Row(
              "wave: guard queries per passing deploy (mean)",
              s -> s.wave().guardQueriesPerPassingDeploy().mean(),
              "%.1f"),
          new Row(
              "first breaching answer → rollback p50 (s)",
              s -> s.wave().firstBreachingAnswerToRollbackP50Seconds(),
              "%.1f"),
          new Row(
              "first breaching answer → rollback p99 (s)",
              s -> s.wave().firstBreachingAnswerToRollbackP99Seconds(),
              "%.1f"),
          new Row(
              "decisive answer → act p50 (s)",
              s -> s.wave().decisiveAnswerToActP50Seconds(),
              "%.2f"),
          new Row(
              "decisive answer → act p99 (s)",
              s -> s.wave().decisiveAnswerToActP99Seconds(),
              "%.2f"),
          new Row(
              "breach → rollback from status p50 (s)",
              s -> s.wave().statusBreachToRollbackP50Seconds(),
              "%.1f"),
          new Row(
              "breach → rollback from status p99 (s)",
              s -> s.wave().statusBreachToRollbackP99Seconds(),
              "%.1f"),
          new Row("wave: tick lag p50 (s)", s -> s.wave().tickLagP50Seconds(), "%.3f"),
          new Row("wave: tick lag p99 (s)", s -> s.wave().tickLagP99Seconds(), "%.3f"),
          new Row("after the wave: RSS (MiB)", s -> s.wave().residentMiB(), "%.1f"),
          new Row("after the wave: heap after GC (MiB)", s -> s.wave().heapAfterGcMiB(), "%.1f"));

  static String render(PeerRun run, String peerTitle) {
    StringBuilder table = new StringBuilder();
    table
        .append(String.format("N = %,d Rollouts%n%n", run.rollouts()))
        .append("| figure | Rollguard | ")
        .append(peerTitle)
        .append(" | ratio Rollguard/")
        .append(peerTitle)
        .append(" |\n| --- | ---: | ---: | ---: |\n");
    for (Row row : ROWS) {
      Double ours = value(run.rollguard(), row);
      Double theirs = value(run.peer(), row);
      table
          .append("| ")
          .append(row.figure())
          .append(" | ")
          .append(cell(ours, row.format()))
          .append(" | ")
          .append(cell(theirs, row.format()))
          .append(" | ")
          .append(ratio(ours, theirs))
          .append(" |\n");
    }
    table.append('\n');
    spreads(table, "Rollguard", run.rollguard());
    spreads(table, peerTitle, run.peer());
    requests(table, "Rollguard", run.rollguard());
    requests(table, peerTitle, run.peer());
    return table.toString();
  }

  private static void spreads(StringBuilder table, String title, Side side) {
    if (side == null) {
      return;
    }
    table
        .append("- ")
        .append(title)
        .append(": guard queries per breaching deploy ")
        .append(spread(side.wave().guardQueriesPerBreachingDeploy()))
        .append(", per passing deploy ")
        .append(spread(side.wave().guardQueriesPerPassingDeploy()))
        .append("; breaching answers to queries about the past (baselines, not measurements)")
        .append(" per breaching deploy ")
        .append(String.format("%.2f", side.wave().pastBreachingAnswersPerBreachingDeploy()))
        .append("; largest delay of a measurement query ")
        .append(side.wave().maxMeasurementQueryLagMillis())
        .append(" ms")
        .append('\n');
  }

  private static void requests(StringBuilder table, String title, Side side) {
    if (side == null) {
      return;
    }
    table
        .append("- ")
        .append(title)
        .append(": API requests per deploy in the wave by ")
        .append(side.controller().equals("rollguard") ? "verb" : "resource and verb")
        .append(" (")
        .append(side.apiRequestCounter())
        .append("): ")
        .append(joined(side.wave().apiRequestsPerDeployBy()))
        .append("; idle req/s: ")
        .append(joined(side.idle().apiRequestsPerSecondBy()))
        .append('\n');
  }

  private static String joined(Map<String, Double> by) {
    StringBuilder text = new StringBuilder();
    by.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(
            entry ->
                text.append(text.length() == 0 ? "" : ", ")
                    .append(entry.getKey().isEmpty() ? "(none)" : entry.getKey())
                    .append(' ')
                    .append(String.format("%.2f", entry.getValue())));
    return text.length() == 0 ? "none" : text.toString();
  }

  private static String spread(Spread spread) {
    if (Double.isNaN(spread.mean())) {
      return "none";
    }
    return String.format("mean %.1f (min %d, max %d)", spread.mean(), spread.min(), spread.max());
  }

  private static Double value(Side side, Row row) {
    return side == null ? null : row.value().apply(side);
  }

  private static String cell(Double value, String format) {
    return value == null || value.isNaN() ? "n/a" : String.format(format, value);
  }

  private static String ratio(Double ours, Double theirs) {
    if (ours == null || theirs == null || ours.isNaN() || theirs.isNaN() || theirs == 0) {
      return "n/a";
    }
    return String.format("%.2f", ours / theirs);
  }
}
