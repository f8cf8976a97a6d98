package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.metrics.QueryTarget;
import java.util.Map;
import java.util.Optional;

/**
 * A measurement round ready to run: what the decider asked for, where to query, and each
 * guard's PromQL. When Prometheus cannot even be addressed (no URL configured, the token
 * Secret missing), {@code unavailable} says why and every guard comes back inconclusive.
 */
public record MeasurementJob(MeasurementRequest request, Optional<QueryTarget> target, Map<String, String> queries,
    Optional<String> unavailable) {

  /** Same round: same purpose, revision and time. Target or queries may be re-read, it is still that round. */
  boolean sameRound(MeasurementJob other) {
    return request.equals(other.request);
  }
}
