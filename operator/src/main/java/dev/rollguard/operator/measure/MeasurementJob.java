package dev.rollguard.operator.measure;

import dev.rollguard.operator.measure.prometheus.QueryTarget;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A measurement round ready to run: what the decider asked for, where to query, and each
 * guard's PromQL. When Prometheus cannot even be addressed (no URL configured, the token
 * Secret missing), {@code unavailable} says why and every guard comes back inconclusive.
 */
public record MeasurementJob(MeasurementRequest request, Optional<QueryTarget> target, Map<String, String> queries,
    Optional<String> unavailable, Map<String, TrendQuery> trends) {

  public MeasurementJob(MeasurementRequest request, Optional<QueryTarget> target, Map<String, String> queries,
      Optional<String> unavailable) {
    this(request, target, queries, unavailable, Map.of());
  }

  /** A trend guard's series to fit: its query over {@code window}; its limit, fixed or queried. */
  public record TrendQuery(String promql, Duration window, Optional<Double> limit, Optional<String> limitQuery) {}
}
