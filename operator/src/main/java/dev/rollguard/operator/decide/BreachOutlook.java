package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.decide.guard.GuardBounds;
import dev.rollguard.operator.measure.MeasurementRound;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which results of the next analysis round breach a guard, said before the round runs, so that the
 * reconcile threads take a round that may roll back before any other. Judged by the same bounds and
 * baselines the decider uses. Guards judged by a trend or a comparison are left out (one value does
 * not say their verdict), as are relative bounds without a baseline. Being wrong costs only order;
 * every round is decided in full.
 */
public record BreachOutlook(
    String revision, List<GuardBounds> bounds, Map<String, Double> baselines)
    implements Predicate<MeasurementRound> {

  /** The outlook for the analysis of {@code analysis}, or none when no guard can be judged so. */
  static Optional<BreachOutlook> of(List<GuardSpec> guards, AnalysisStatus analysis) {
    if (guards == null || analysis == null || analysis.revision == null) {
      return Optional.empty();
    }
    Map<String, Double> baselines = new HashMap<>();
    List<GuardBounds> bounds =
        guards.stream()
            .filter(spec -> spec.exhaustion == null && spec.compare == null)
            .map(GuardBounds::of)
            .toList();
    for (GuardBounds bound : bounds) {
      GuardStatus status = GuardRound.find(analysis, bound.guard());
      if (status != null && status.baseline != null) {
        baselines.put(bound.guard(), status.baseline);
      }
    }
    return bounds.isEmpty()
        ? Optional.empty()
        : Optional.of(new BreachOutlook(analysis.revision, bounds, Map.copyOf(baselines)));
  }

  @Override
  public boolean test(MeasurementRound round) {
    if (round.purpose() != Purpose.ANALYSIS || !round.revision().equals(revision)) {
      return false;
    }
    Optional<Verdict> breach = Optional.of(Verdict.Breach);
    return bounds.stream()
        .anyMatch(bound -> bound.verdictIn(round.results(), baselines).equals(breach));
  }
}
