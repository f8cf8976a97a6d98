package dev.rollguard.operator.measure.prometheus;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** Runs guard queries. Asynchronous, because measurements run off the reconcile threads. */
public interface MetricsSource {

  /**
   * Instant query evaluated at {@code at} (sent as an explicit {@code time}, so a retried or late
   * evaluation still measures the moment it was meant for). Completes normally, never
   * exceptionally: every failure is a {@link Measurement.Inconclusive} with a reason.
   */
  CompletableFuture<Measurement> instant(QueryTarget target, String promql, Instant at);

  /**
   * The query's values over {@code window} before {@code at}, one every {@code step} (a PromQL
   * subquery), for trend guards. Completes normally, never exceptionally.
   */
  default CompletableFuture<Series> series(
      QueryTarget target, String promql, Instant at, Duration window, Duration step) {
    return CompletableFuture.completedFuture(
        Series.failed(
            new Measurement.Inconclusive(
                at, Measurement.Cause.BAD_RESPONSE, "this metrics source cannot query a series")));
  }
}
