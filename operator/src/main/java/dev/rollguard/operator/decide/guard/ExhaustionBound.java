package dev.rollguard.operator.decide.guard;

import dev.rollguard.operator.api.Durations;
import dev.rollguard.operator.api.ExhaustionSpec;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.measure.prometheus.Series;
import java.time.Duration;
import java.util.Optional;

/**
 * The leak guard: breach when the guard's values, fitted over the window, are projected to reach
 * the limit within {@code within}. A flat series, or noise around a level, has no significant slope
 * and never breaches; a steady climb does, before the limit is hit.
 */
public record ExhaustionBound(String guard, Duration within, Duration window) {

  /** A slope counts as a trend when it is this many standard errors away from flat. */
  static final double MIN_T_STATISTIC = 4.0;

  public static ExhaustionBound of(String guard, ExhaustionSpec spec) {
    return new ExhaustionBound(
        guard,
        Durations.parse(spec.within),
        Durations.parse(spec.window != null ? spec.window : "5m"));
  }

  public GuardEvaluation evaluate(
      Series series, Optional<Double> limit, Optional<String> limitError) {
    String windowText = "window " + Durations.words(window);
    if (series.failure().isPresent()) {
      return new GuardEvaluation(
          Verdict.Inconclusive, "trend", guard + " trend: " + series.failure().get().reason());
    }
    if (limit.isEmpty()) {
      return new GuardEvaluation(
          Verdict.Inconclusive,
          "trend",
          guard + " trend: no limit: " + limitError.orElse("limitQuery returned nothing"));
    }
    double max = limit.get();
    Optional<Trend> fitted = Trend.fit(series.points());
    String threshold =
        "not projected to reach " + Numbers.format(max) + " within " + Durations.words(within);
    if (fitted.isEmpty()) {
      return new GuardEvaluation(
          Verdict.Inconclusive,
          threshold,
          guard
              + " trend: only "
              + series.points().size()
              + " points in the "
              + windowText
              + ", too few to fit");
    }
    Trend trend = fitted.get();
    Optional<Duration> reach = trend.timeTo(max, MIN_T_STATISTIC);
    if (reach.isPresent() && reach.get().compareTo(within) <= 0) {
      String reason =
          reach.get().isZero()
              ? guard
                  + " at "
                  + Numbers.format(trend.now())
                  + " has reached the limit "
                  + Numbers.format(max)
              : guard
                  + " rising "
                  + Numbers.format(trend.perSecond() * 60)
                  + "/min, projected to reach "
                  + Numbers.format(max)
                  + " in "
                  + words(reach.get())
                  + " ("
                  + windowText
                  + ")";
      return new GuardEvaluation(Verdict.Breach, threshold, reason);
    }
    return new GuardEvaluation(
        Verdict.Pass, threshold + " (trend " + signed(trend.perSecond() * 60) + "/min)", "");
  }

  private static String signed(double perMinute) {
    return (perMinute >= 0 ? "+" : "") + Numbers.format(perMinute);
  }

  /** A projection, as precise as it is: to the second under two minutes, else to the minute. */
  private static String words(Duration duration) {
    long seconds = Math.max(1, duration.toSeconds());
    return Durations.words(
        Duration.ofSeconds(seconds < 120 ? seconds : Math.round(seconds / 60.0) * 60));
  }
}
