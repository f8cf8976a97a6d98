package dev.rollguard.operator.measure.prometheus;

import java.time.Instant;
import java.util.Objects;

/** One guard measurement at an evaluation time: a number, or why there is none. */
public sealed interface Measurement permits Measurement.Value, Measurement.Inconclusive {

  /** The evaluation time the query was run for (not the time it ran). */
  Instant at();

  record Value(Instant at, double value) implements Measurement {
    public Value {
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * No usable number. {@code reason} is written for the person reading the Rollout's status, e.g.
   * "query returned no data" or "Prometheus at http://prom:9090 is unreachable: Connection
   * refused".
   */
  record Inconclusive(Instant at, Cause cause, String reason) implements Measurement {
    public Inconclusive {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(cause, "cause");
      Objects.requireNonNull(reason, "reason");
    }
  }

  enum Cause {
    UNREACHABLE,
    TIMEOUT,
    QUERY_ERROR,
    HTTP_ERROR,
    NO_DATA,
    NOT_A_NUMBER,
    TOO_MANY_SERIES,
    BAD_RESPONSE
  }
}
