package dev.rollguard.bench;

import java.io.IOException;
import java.util.NavigableMap;

/** The operator's counters at one moment; two of them give rates over the time between. */
record Counters(
    long atNanos,
    double cpuSeconds,
    double apiRequests,
    double metricQueries,
    double reconciles,
    double reconcileSeconds,
    NavigableMap<Double, Double> tickLag) {

  static final String API_REQUESTS = "rollguard_kubernetes_requests_total";
  static final String QUERIES = "rollguard_query_duration_seconds_count";
  static final String TICK_LAG = "rollguard_measurement_delay_seconds";
  static final String RECONCILE = "rollguard_reconcile_duration_seconds";

  static Counters read(OperatorProcess operator) throws IOException {
    MetricsText metrics = operator.metrics();
    return new Counters(
        System.nanoTime(),
        operator.cpuSeconds(),
        metrics.sum(API_REQUESTS, ""),
        metrics.sum(QUERIES, ""),
        metrics.sum(RECONCILE + "_count", ""),
        metrics.sum(RECONCILE + "_sum", ""),
        metrics.buckets(TICK_LAG));
  }

  double secondsSince(Counters earlier) {
    return (atNanos - earlier.atNanos) / 1e9;
  }

  double cpuSecondsPerMinuteSince(Counters earlier) {
    return (cpuSeconds - earlier.cpuSeconds) / secondsSince(earlier) * 60;
  }

  double apiRequestsPerSecondSince(Counters earlier) {
    return (apiRequests - earlier.apiRequests) / secondsSince(earlier);
  }

  double queriesPerSecondSince(Counters earlier) {
    return (metricQueries - earlier.metricQueries) / secondsSince(earlier);
  }

  double reconcilesPerSecondSince(Counters earlier) {
    return (reconciles - earlier.reconciles) / secondsSince(earlier);
  }

  /** Mean reconcile duration in between, milliseconds; NaN without reconciles. */
  double reconcileMeanMillisSince(Counters earlier) {
    double count = reconciles - earlier.reconciles;
    return count == 0 ? Double.NaN : (reconcileSeconds - earlier.reconcileSeconds) / count * 1000;
  }

  NavigableMap<Double, Double> tickLagSince(Counters earlier) {
    return MetricsText.difference(tickLag, earlier.tickLag);
  }
}
