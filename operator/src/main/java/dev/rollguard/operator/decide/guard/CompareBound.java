package dev.rollguard.operator.decide.guard;

import dev.rollguard.operator.api.CompareSpec;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A comparison bound: the guard's value against the value of another query measured at the same
 * instant (for a canary, the stable pods'), with a tolerance ({@code maxIncrease}) or a ratio
 * ({@code maxRatio}). Any bound exceeded is a breach.
 */
public record CompareBound(String guard, Increase maxIncrease, Double maxRatio) {

  public static CompareBound of(String guard, CompareSpec spec) {
    return new CompareBound(
        guard, spec.maxIncrease == null ? null : Increase.parse(spec.maxIncrease), spec.maxRatio);
  }

  /**
   * @param compared the baseline query's value at the same instant, or why there is none
   */
  public GuardEvaluation evaluate(double value, OptionalDouble compared, Optional<String> missing) {
    if (compared.isEmpty()) {
      return new GuardEvaluation(
          Verdict.Inconclusive,
          "compared with the baseline query",
          guard
              + ": the baseline query to compare with has no value: "
              + missing.orElse("no data"));
    }
    double base = compared.getAsDouble();
    List<String> limits = new ArrayList<>();
    List<String> breaches = new ArrayList<>();
    if (maxIncrease != null) {
      double limit = maxIncrease.limit(base);
      String bound = Numbers.format(limit) + " (" + maxIncrease.over("compared", base) + ")";
      limits.add("<= " + bound);
      if (value > limit) {
        breaches.add(guard + " = " + Numbers.format(value) + " > " + bound);
      }
    }
    if (maxRatio != null) {
      double limit = base * maxRatio;
      String bound =
          Numbers.format(limit)
              + " (compared "
              + Numbers.format(base)
              + " x "
              + Numbers.format(maxRatio)
              + ")";
      limits.add("<= " + bound);
      if (value > limit) {
        breaches.add(guard + " = " + Numbers.format(value) + " > " + bound);
      }
    }
    String threshold = String.join(", ", limits);
    return breaches.isEmpty()
        ? new GuardEvaluation(Verdict.Pass, threshold, "")
        : new GuardEvaluation(Verdict.Breach, threshold, String.join("; ", breaches));
  }
}
