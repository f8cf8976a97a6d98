package dev.rollguard.operator.measure.prometheus;

import java.time.Duration;
import java.util.Locale;

/**
 * Observes each query: how long it took and its outcome label ({@code value}, {@code no_data},
 * {@code query_error}, {@code unreachable}, ... — see {@link #outcomeOf}), e.g. for the operator's
 * own metrics.
 */
public interface QueryObserver {

  QueryObserver NONE = (duration, outcome) -> {};

  void observe(Duration duration, String outcome);

  /** {@code value} for a number, else the cause in lower case, e.g. {@code too_many_series}. */
  static String outcomeOf(Measurement measurement) {
    if (measurement instanceof Measurement.Inconclusive inconclusive) {
      return inconclusive.cause().name().toLowerCase(Locale.ROOT);
    }
    return "value";
  }
}
