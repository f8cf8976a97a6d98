package dev.rollguard.bench;

import dev.rollguard.bench.Results.SideIdle;
import dev.rollguard.bench.Results.SideWave;
import dev.rollguard.bench.Results.Spread;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A controller's counters at one moment, read the same way for every controller: its process's CPU
 * time (/proc), its own count of API requests, and the guard queries the benchmark's endpoint
 * received (per Deployment). Two samples give the figures of the time between.
 */
record Sample(
    long atNanos,
    double cpuSeconds,
    Map<String, Double> apiRequests,
    long guardQueries,
    Map<String, Long> guardQueriesPer) {

  private static final double MIB = 1024 * 1024;

  /**
   * How long the work a wave caused may trail its end: Rollguard holds events for up to 5 s while
   * rollbacks are in flight, and both controllers send events from a queue. The wave's closing
   * sample waits this long (for every controller alike), so that work counts in the wave's figures.
   * The window also holds a little idle work (Argo's lease renewals: 3 requests).
   */
  static final Duration TRAILING_WORK = Duration.ofSeconds(6);

  /** The sample that closes a wave: read once {@link #TRAILING_WORK} has passed. */
  static Sample readAfterTrailingWork(ControllerProcess controller, TableServer server)
      throws IOException, InterruptedException {
    Thread.sleep(TRAILING_WORK.toMillis());
    return read(controller, server);
  }

  static Sample read(ControllerProcess controller, TableServer server) throws IOException {
    return new Sample(
        System.nanoTime(),
        controller.cpuSeconds(),
        controller.apiRequests(),
        server.queries(),
        server.log().counts());
  }

  double secondsSince(Sample earlier) {
    return (atNanos - earlier.atNanos) / 1e9;
  }

  double apiRequestsSince(Sample earlier) {
    return total(apiRequests) - total(earlier.apiRequests);
  }

  /**
   * Requests in between, per kind of request, divided by {@code divisor}; kinds with none left out.
   */
  Map<String, Double> apiRequestsBySince(Sample earlier, double divisor) {
    Map<String, Double> by = new TreeMap<>();
    apiRequests.forEach(
        (kind, count) -> {
          double delta = count - earlier.apiRequests.getOrDefault(kind, 0.0);
          if (delta > 0) {
            by.put(kind, round(delta / divisor, 3));
          }
        });
    return by;
  }

  long guardQueriesSince(Sample earlier, String deployment) {
    return guardQueriesPer.getOrDefault(deployment, 0L)
        - earlier.guardQueriesPer.getOrDefault(deployment, 0L);
  }

  /** The idle figures between {@code earlier} and this sample. */
  static SideIdle idle(
      Sample earlier, Sample later, ControllerProcess controller, Double heapAfterGcMiB)
      throws IOException {
    double seconds = later.secondsSince(earlier);
    return new SideIdle(
        controller.residentBytes() / MIB,
        (later.cpuSeconds - earlier.cpuSeconds) / seconds * 60,
        later.apiRequestsSince(earlier) / seconds,
        later.apiRequestsBySince(earlier, seconds),
        (later.guardQueries - earlier.guardQueries) / seconds,
        heapAfterGcMiB);
  }

  /** What only Rollguard reports (null for a peer). */
  record RollguardOnly(
      Double heapAfterGcMiB,
      Double statusBreachToRollbackP50Seconds,
      Double statusBreachToRollbackP99Seconds,
      Double tickLagP50Seconds,
      Double tickLagP99Seconds) {
    static final RollguardOnly NONE = new RollguardOnly(null, null, null, null, null);
  }

  /**
   * The wave's figures between {@code before} (taken before the wave's first request) and {@code
   * after} (taken {@link #TRAILING_WORK} after every deploy was rolled back or promoted). {@code
   * rolledBackAt} is when the benchmark's watch saw a breaching deploy's rollback (epoch millis);
   * the breaching answers are the endpoint's own record of when it answered a breaching value.
   */
  static SideWave wave(
      Sample before,
      Sample after,
      double waveSeconds,
      Collection<String> deploys,
      Collection<String> breaching,
      Function<String, Optional<Long>> rolledBackAt,
      QueryLog log,
      ControllerProcess controller,
      RollguardOnly only)
      throws IOException {
    int count = deploys.size();
    double cpu = after.cpuSeconds - before.cpuSeconds;
    double api = after.apiRequestsSince(before);
    long queries = after.guardQueries - before.guardQueries;
    List<Long> breachingQueries = new ArrayList<>();
    List<Long> passingQueries = new ArrayList<>();
    for (String name : deploys) {
      (breaching.contains(name) ? breachingQueries : passingQueries)
          .add(after.guardQueriesSince(before, name));
    }
    List<Double> firstToRollback = new ArrayList<>();
    List<Double> decisiveToAct = new ArrayList<>();
    long early = 0;
    for (String name : breaching) {
      early += log.pastBreachingAnswers(name);
      long seen =
          rolledBackAt
              .apply(name)
              .orElseThrow(() -> new IllegalStateException(name + " has no rollback time"));
      log.firstBreachingAnswer(name).ifPresent(at -> firstToRollback.add((seen - at) / 1e3));
      log.lastBreachingAnswerUntil(name, seen)
          .ifPresent(at -> decisiveToAct.add((seen - at) / 1e3));
    }
    if (firstToRollback.size() < breaching.size()) {
      Log.say(
          "  note: "
              + (breaching.size() - firstToRollback.size())
              + " rolled-back deploys had no breaching answer logged by the endpoint");
    }
    return new SideWave(
        count,
        breaching.size(),
        waveSeconds,
        cpu,
        cpu / count,
        api,
        api / count,
        after.apiRequestsBySince(before, count),
        queries,
        (double) queries / count,
        spread(breachingQueries),
        spread(passingQueries),
        breaching.isEmpty() ? 0 : (double) early / breaching.size(),
        log.maxMeasurementLagMillis(),
        Stats.percentile(firstToRollback, 0.5),
        Stats.percentile(firstToRollback, 0.99),
        Stats.percentile(firstToRollback, 1.0),
        Stats.percentile(decisiveToAct, 0.5),
        Stats.percentile(decisiveToAct, 0.99),
        Stats.percentile(decisiveToAct, 1.0),
        controller.residentBytes() / MIB,
        only.heapAfterGcMiB(),
        only.statusBreachToRollbackP50Seconds(),
        only.statusBreachToRollbackP99Seconds(),
        only.tickLagP50Seconds(),
        only.tickLagP99Seconds());
  }

  /**
   * Per breaching deploy: the endpoint's first breaching answer, the last one before the rollback
   * was seen (the decisive one), and the rollback seen, epoch milliseconds.
   */
  static String answersCsv(
      Collection<String> breaching, Function<String, Optional<Long>> rolledBackAt, QueryLog log) {
    StringBuilder csv =
        new StringBuilder(
            "deployment,first_breaching_answer_ms,decisive_answer_ms,rollback_seen_ms\n");
    for (String name : breaching) {
      long seen = rolledBackAt.apply(name).orElse(-1L);
      csv.append(name)
          .append(',')
          .append(log.firstBreachingAnswer(name).orElse(-1))
          .append(',')
          .append(log.lastBreachingAnswerUntil(name, seen).orElse(-1))
          .append(',')
          .append(seen)
          .append('\n');
    }
    return csv.toString();
  }

  static Spread spread(List<Long> counts) {
    if (counts.isEmpty()) {
      return new Spread(Double.NaN, 0, 0);
    }
    return new Spread(
        round(counts.stream().mapToLong(Long::longValue).average().orElseThrow(), 2),
        counts.stream().mapToLong(Long::longValue).min().orElseThrow(),
        counts.stream().mapToLong(Long::longValue).max().orElseThrow());
  }

  private static double total(Map<String, Double> counts) {
    return counts.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static double round(double value, int places) {
    double scale = Math.pow(10, places);
    return Math.round(value * scale) / scale;
  }
}
