package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.measure.MeasurementRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What to do after one observation, in this order: make the {@code changes}, write the {@code
 * status}, then send the {@code notices}. Plus the next measurement, which of its results would
 * decide nothing ({@code outlook}) and which would breach a guard ({@code breachOutlook}), and when
 * to look again even if nothing happens.
 */
public record Decision(
    RolloutStatus status,
    List<Change> changes,
    List<Notice> notices,
    Optional<MeasurementRequest> measurement,
    Optional<Duration> recheckAfter,
    Optional<RoundOutlook> outlook,
    Optional<BreachOutlook> breachOutlook) {

  public Decision(
      RolloutStatus status,
      List<Change> changes,
      List<Notice> notices,
      Optional<MeasurementRequest> measurement,
      Optional<Duration> recheckAfter,
      Optional<RoundOutlook> outlook) {
    this(status, changes, notices, measurement, recheckAfter, outlook, Optional.empty());
  }

  public Decision(
      RolloutStatus status,
      List<Change> changes,
      List<Notice> notices,
      Optional<MeasurementRequest> measurement,
      Optional<Duration> recheckAfter) {
    this(status, changes, notices, measurement, recheckAfter, Optional.empty());
  }
}
