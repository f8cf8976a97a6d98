package dev.rollguard.operator.metrics;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** Runs guard queries. Asynchronous, because measurements run off the reconcile threads. */
public interface MetricsSource {

  /**
   * Instant query evaluated at {@code at} (sent as an explicit {@code time}, so a retried or
   * late evaluation still measures the moment it was meant for). Completes normally, never
   * exceptionally: every failure is a {@link Measurement.Inconclusive} with a reason.
   */
  CompletableFuture<Measurement> instant(QueryTarget target, String promql, Instant at);
}
