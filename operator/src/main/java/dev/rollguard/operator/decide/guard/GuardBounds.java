package dev.rollguard.operator.decide.guard;

import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.measure.prometheus.Measurement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The bounds of one guard: absolute {@code max}/{@code min} and {@code maxIncrease} over the
 * baseline.
 */
public record GuardBounds(String guard, Double max, Double min, Increase maxIncrease) {

  public static GuardBounds of(GuardSpec spec) {
    Increase increase = spec.maxIncrease == null ? null : Increase.parse(spec.maxIncrease);
    return new GuardBounds(spec.name, spec.max, spec.min, increase);
  }

  /**
   * Judges a measured value. A breach of any bound is a breach; a relative bound without a baseline
   * cannot be judged, which makes the measurement inconclusive only when no absolute bound could be
   * judged either.
   */
  public GuardEvaluation evaluate(double value, OptionalDouble baseline) {
    List<String> limits = new ArrayList<>();
    List<String> breaches = new ArrayList<>();
    if (max != null) {
      limits.add("<= " + Numbers.format(max));
      if (value > max) {
        breaches.add(guard + " = " + Numbers.format(value) + " > max " + Numbers.format(max));
      }
    }
    if (min != null) {
      limits.add(">= " + Numbers.format(min));
      if (value < min) {
        breaches.add(guard + " = " + Numbers.format(value) + " < min " + Numbers.format(min));
      }
    }
    boolean increaseUnjudged = false;
    if (maxIncrease != null) {
      if (baseline.isPresent()) {
        double limit = maxIncrease.limit(baseline.getAsDouble());
        String bound =
            Numbers.format(limit)
                + " ("
                + maxIncrease.over("baseline", baseline.getAsDouble())
                + ")";
        limits.add("<= " + bound);
        if (value > limit) {
          breaches.add(guard + " = " + Numbers.format(value) + " > " + bound);
        }
      } else {
        limits.add("<= baseline " + maxIncrease.added() + " (no baseline)");
        increaseUnjudged = true;
      }
    }
    String threshold = String.join(", ", limits);
    if (!breaches.isEmpty()) {
      return new GuardEvaluation(Verdict.Breach, threshold, String.join("; ", breaches));
    }
    if (increaseUnjudged && max == null && min == null) {
      return new GuardEvaluation(
          Verdict.Inconclusive,
          threshold,
          guard
              + ": no baseline from before the deploy, so maxIncrease "
              + maxIncrease
              + " cannot be judged");
    }
    return new GuardEvaluation(Verdict.Pass, threshold, "");
  }

  /**
   * The verdict on a measurement, as {@link #evaluate} gives it, against {@code baseline} when
   * there is one; none for a measurement without a value.
   */
  public Optional<Verdict> verdictOn(Measurement measured, Double baseline) {
    if (!(measured instanceof Measurement.Value value)) {
      return Optional.empty();
    }
    OptionalDouble base = baseline == null ? OptionalDouble.empty() : OptionalDouble.of(baseline);
    return Optional.of(evaluate(value.value(), base).verdict());
  }

  /**
   * The verdict on this guard's result among {@code results}, against its baseline among {@code
   * baselines} when there is one; none for a result missing or without a value.
   */
  public Optional<Verdict> verdictIn(
      Map<String, Measurement> results, Map<String, Double> baselines) {
    return verdictOn(results.get(guard), baselines.get(guard));
  }
}
