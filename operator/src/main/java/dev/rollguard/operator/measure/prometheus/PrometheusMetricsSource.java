package dev.rollguard.operator.measure.prometheus;

import dev.rollguard.operator.measure.prometheus.Measurement.Cause;
import dev.rollguard.operator.measure.prometheus.Measurement.Inconclusive;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Instant queries against the Prometheus HTTP API ({@code GET /api/v1/query}), sent with {@link
 * HttpClient#sendAsync} so no thread waits on a slow Prometheus.
 */
public final class PrometheusMetricsSource implements MetricsSource {

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusMetricsSource.class);

  private final HttpClient http;
  private final QueryObserver observer;

  public PrometheusMetricsSource(HttpClient http, QueryObserver observer) {
    this.http = Objects.requireNonNull(http, "http");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if an argument is null: a programming error, not a failed
   *     measurement
   */
  @Override
  public CompletableFuture<Measurement> instant(QueryTarget target, String promql, Instant at) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(promql, "promql");
    Objects.requireNonNull(at, "at");
    long started = System.nanoTime();
    return query(target, promql, at).thenApply(measurement -> observed(measurement, started));
  }

  @Override
  public CompletableFuture<Series> series(
      QueryTarget target, String promql, Instant at, Duration window, Duration step) {
    String subquery =
        "(" + promql + ")[" + window.toSeconds() + "s:" + Math.max(1, step.toSeconds()) + "s]";
    long started = System.nanoTime();
    try {
      var exchange =
          http.sendAsync(
              PrometheusRequests.instantQuery(target, subquery, at),
              HttpResponse.BodyHandlers.ofString());
      return withDeadline(exchange, target.timeout())
          .handle(
              (response, failure) -> {
                Series series =
                    failure == null
                        ? SeriesResults.interpret(
                            target, at, response.statusCode(), response.body())
                        : Series.failed(TransportFailures.inconclusive(failure, target, at));
                observed(
                    series.failure().<Measurement>map(f -> f).orElse(new Measurement.Value(at, 0)),
                    started);
                return series;
              });
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(
          Series.failed(TransportFailures.inconclusive(e, target, at)));
    }
  }

  private CompletableFuture<Measurement> query(QueryTarget target, String promql, Instant at) {
    try {
      var exchange =
          http.sendAsync(
              PrometheusRequests.instantQuery(target, promql, at),
              HttpResponse.BodyHandlers.ofString());
      return withDeadline(exchange, target.timeout())
          .handle((response, failure) -> measurement(target, at, response, failure));
    } catch (RuntimeException e) {
      // An address, token or timeout that cannot make a request is a failed measurement too, not a
      // crash of the caller.
      return CompletableFuture.completedFuture(TransportFailures.inconclusive(e, target, at));
    }
  }

  private static Measurement measurement(
      QueryTarget target, Instant at, HttpResponse<String> response, Throwable failure) {
    try {
      return failure == null
          ? PrometheusResponses.interpret(target, at, response.statusCode(), response.body())
          : TransportFailures.inconclusive(failure, target, at);
    } catch (RuntimeException e) {
      // The future must complete normally whatever happens; callers only look at the measurement.
      LOG.warn(
          "Unexpected failure reading the answer of Prometheus at {}",
          Wording.address(target.address()),
          e);
      return new Inconclusive(at, Cause.BAD_RESPONSE, "could not read Prometheus' answer: " + e);
    }
  }

  /**
   * The request timeout only covers waiting for the response headers; a server that then stalls in
   * the middle of the body would hold the measurement forever. So the whole exchange gets the same
   * limit, and is cancelled (freeing its connection) when the limit passes.
   */
  private static <T> CompletableFuture<T> withDeadline(
      CompletableFuture<T> exchange, Duration timeout) {
    CompletableFuture<T> bounded =
        exchange.copy().orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    bounded.whenComplete(
        (result, failure) -> {
          if (failure != null) {
            exchange.cancel(true);
          }
        });
    return bounded;
  }

  private Measurement observed(Measurement measurement, long startedNanos) {
    try {
      observer.observe(
          Duration.ofNanos(System.nanoTime() - startedNanos), QueryObserver.outcomeOf(measurement));
    } catch (RuntimeException e) {
      // Bookkeeping must never cost the guard its measurement.
      LOG.warn("Query observer failed", e);
    }
    return measurement;
  }
}
