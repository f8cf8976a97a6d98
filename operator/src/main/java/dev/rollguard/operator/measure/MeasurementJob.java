package dev.rollguard.operator.measure;

import dev.rollguard.operator.measure.prometheus.QueryTarget;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A measurement round ready to run: what the decider asked for, where to query, and each guard's
 * PromQL. When Prometheus cannot even be addressed (no URL configured, the token Secret missing),
 * {@code unavailable} says why and every guard comes back inconclusive.
 *
 * <p>A bearer token is not in the job when it is built (on a reconcile thread), only {@code token},
 * a way to read it: the scheduler calls {@link #withTokenRead()} on its own executor when the round
 * runs.
 */
public record MeasurementJob(
    MeasurementRequest request,
    Optional<QueryTarget> target,
    Map<String, String> queries,
    Optional<String> unavailable,
    Map<String, TrendQuery> trends,
    Optional<TokenSource> token,
    Map<String, String> unanswerable) {

  public MeasurementJob(
      MeasurementRequest request,
      Optional<QueryTarget> target,
      Map<String, String> queries,
      Optional<String> unavailable,
      Map<String, TrendQuery> trends,
      Optional<TokenSource> token) {
    this(request, target, queries, unavailable, trends, token, Map.of());
  }

  /**
   * Guards (or compare baselines) that cannot be asked yet, with why: they come back inconclusive
   * without a query.
   */
  public MeasurementJob withUnanswerable(Map<String, String> reasons) {
    return new MeasurementJob(
        request, target, queries, unavailable, trends, token, Map.copyOf(reasons));
  }

  public MeasurementJob(
      MeasurementRequest request,
      Optional<QueryTarget> target,
      Map<String, String> queries,
      Optional<String> unavailable,
      Map<String, TrendQuery> trends) {
    this(request, target, queries, unavailable, trends, Optional.empty());
  }

  public MeasurementJob(
      MeasurementRequest request,
      Optional<QueryTarget> target,
      Map<String, String> queries,
      Optional<String> unavailable) {
    this(request, target, queries, unavailable, Map.of());
  }

  /**
   * This job as sent: its target with the bearer token, or unavailable saying why the token could
   * not be read. May block reading the token's Secret; never throws.
   */
  public MeasurementJob withTokenRead() {
    if (token.isEmpty() || target.isEmpty()) {
      return this;
    }
    TokenCache.Result read = token.get().read();
    if (read instanceof TokenCache.Token found) {
      QueryTarget plain = target.get();
      QueryTarget withToken =
          new QueryTarget(plain.address(), plain.timeout(), Optional.of(found.value()));
      return new MeasurementJob(
          request,
          Optional.of(withToken),
          queries,
          unavailable,
          trends,
          Optional.empty(),
          unanswerable);
    }
    String why = ((TokenCache.Failure) read).reason();
    return new MeasurementJob(
        request,
        Optional.empty(),
        queries,
        Optional.of(why),
        trends,
        Optional.empty(),
        unanswerable);
  }

  /** A trend guard's series to fit: its query over {@code window}; its limit, fixed or queried. */
  public record TrendQuery(
      String promql, Duration window, Optional<Double> limit, Optional<String> limitQuery) {}

  /**
   * Reads a bearer token, from {@link TokenCache}; a failure's reason names the Secret and the
   * Rollout's field.
   */
  @FunctionalInterface
  public interface TokenSource {
    TokenCache.Result read();
  }
}
