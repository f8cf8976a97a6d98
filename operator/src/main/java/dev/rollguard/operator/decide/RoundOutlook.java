package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.decide.guard.GuardBounds;
import dev.rollguard.operator.measure.MeasurementRound;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which results of the next analysis round would decide nothing, said before the round runs, so
 * that the reconcile threads can take the rounds that may decide a rollback first.
 *
 * <p>A round is quiet when every guard passed in the last round and passes again, judged by the
 * same bounds and baselines the decider uses, and the round falls before {@code quietUntil} (the
 * end of the bake time, or the progress deadline while the Deployment is not available). Such a
 * round changes no counter, verdict, stage or condition; only values, whose write is deferred.
 * Anything else is not quiet: a breach, a missing value, a first verdict, another purpose or
 * revision. Guards judged by a trend or a comparison are never quiet, since one value does not say
 * their verdict. Being wrong the cautious way costs only order; a quiet round is still reconciled
 * and decided in full.
 */
public record RoundOutlook(
    String revision, List<GuardBounds> bounds, Map<String, Double> baselines, Instant quietUntil)
    implements Predicate<MeasurementRound> {

  /** The outlook for the analysis of {@code analysis}, or none when no round can be quiet. */
  static Optional<RoundOutlook> of(
      List<GuardSpec> guards, AnalysisStatus analysis, Instant quietUntil) {
    if (guards.isEmpty() || analysis.guards.size() != guards.size()) {
      return Optional.empty();
    }
    Map<String, Double> baselines = new HashMap<>();
    for (GuardSpec spec : guards) {
      GuardStatus status = GuardRound.find(analysis, spec.name);
      if (status == null
          || status.verdict != Verdict.Pass
          || spec.exhaustion != null
          || spec.compare != null) {
        return Optional.empty();
      }
      if (status.baseline != null) {
        baselines.put(spec.name, status.baseline);
      }
    }
    return Optional.of(
        new RoundOutlook(
            analysis.revision,
            guards.stream().map(GuardBounds::of).toList(),
            Map.copyOf(baselines),
            quietUntil));
  }

  @Override
  public boolean test(MeasurementRound round) {
    if (round.purpose() != Purpose.ANALYSIS
        || !round.revision().equals(revision)
        || !round.at().isBefore(quietUntil)
        || round.results().size() != bounds.size()) {
      return false;
    }
    Optional<Verdict> pass = Optional.of(Verdict.Pass);
    return bounds.stream()
        .allMatch(bound -> bound.verdictIn(round.results(), baselines).equals(pass));
  }
}
