package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.DeciderFixture.NEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.CompareSpec;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.StatusJson;
import dev.rollguard.operator.measure.MeasurementRound;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import dev.rollguard.operator.measure.prometheus.Measurement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the decider says in advance about the next round: quiet only when that round would decide
 * nothing. The guard is db (max 150, maxIncrease 50 % over a baseline of 80, so at most 120), bake
 * time 5 minutes, failure limit 2.
 */
class RoundOutlookTest {

  private final DeciderFixture f = new DeciderFixture();

  private RoundOutlook outlook() {
    return f.last.outlook().orElseThrow(() -> new AssertionError("no outlook"));
  }

  private MeasurementRound nextRound(double value) {
    f.advanceToMeasurement();
    return f.values(Purpose.ANALYSIS, NEXT.hash(), value);
  }

  @Test
  void beforeTheFirstVerdictNoRoundIsQuiet() {
    f.deployWithBaseline(80);
    assertThat(f.last.outlook()).isEmpty();
  }

  @Test
  void afterAPassARoundWithinEveryBoundIsQuietAndAnyOtherIsNot() {
    f.deployWithBaseline(80);
    f.measure(90);

    assertThat(outlook().test(nextRound(100))).isTrue();
    assertThat(outlook().test(f.values(Purpose.ANALYSIS, NEXT.hash(), 200))).isFalse();
    // Under max 150 but over the baseline's 50 %: the baseline is judged too.
    assertThat(outlook().test(f.values(Purpose.ANALYSIS, NEXT.hash(), 130))).isFalse();
    assertThat(outlook().test(f.noData(Purpose.ANALYSIS, NEXT.hash()))).isFalse();
    assertThat(outlook().test(f.values(Purpose.ANALYSIS, "otherhash", 100))).isFalse();
    assertThat(outlook().test(f.values(Purpose.RECOVERY, NEXT.hash(), 100))).isFalse();
    assertThat(
            outlook()
                .test(
                    new MeasurementRound(
                        Purpose.ANALYSIS, NEXT.hash(), f.clock.instant(), Map.of())))
        .isFalse();
  }

  @Test
  void aQuietRoundDecidesNothingButValuesAndEveryOtherValueIsNotQuiet() {
    f.rollout.getSpec().analysis.bakeTime = "1h";
    f.deployWithBaseline(80);
    f.measure(90);
    for (double value = 0; value <= 200; value += 5) {
      RoundOutlook outlook = outlook();
      RolloutStatus before = copy(f.last.status());
      MeasurementRound round = nextRound(value);
      boolean quiet = outlook.test(round);

      Decision decision = f.step(NEXT, round);

      boolean decidedSomething =
          !decision.changes().isEmpty()
              || !decision.notices().isEmpty()
              || decision.status().phase != before.phase
              || decision.status().analysis.guards.stream()
                  .anyMatch(g -> g.verdict != Verdict.Pass || g.consecutiveBreaches != 0);
      assertThat(quiet).as("value %s", value).isEqualTo(!decidedSomething);
      if (decidedSomething) {
        // Start again from a pass, so that each value is judged after a passing round.
        f.measure(90);
      }
    }
  }

  @Test
  void afterABreachNoRoundIsQuiet() {
    f.deployWithBaseline(80);
    f.measure(90);
    f.measure(200);
    assertThat(f.last.outlook()).isEmpty();
  }

  @Test
  void aRoundAtTheEndOfTheBakeTimeIsNotQuiet() {
    f.deployWithBaseline(80);
    Instant bakeEnd = f.last.status().currentRevision.since.plus(Duration.ofMinutes(5));
    f.measure(90);
    while (true) {
      RoundOutlook outlook = outlook();
      MeasurementRound round = nextRound(90);
      if (!round.at().isBefore(bakeEnd)) {
        assertThat(outlook.test(round)).isFalse();
        return;
      }
      assertThat(outlook.test(round)).isTrue();
      f.step(NEXT, round);
    }
  }

  @Test
  void aGuardThatComparesWithTheStableRevisionIsNeverQuiet() {
    var compare = new CompareSpec();
    compare.baseline = "avg(db_connections)";
    compare.maxRatio = 1.5;
    f.rollout.getSpec().guards.get(0).compare = compare;
    f.deployWithBaseline(80);
    f.advanceToMeasurement();
    f.step(
        NEXT,
        new MeasurementRound(
            Purpose.ANALYSIS,
            NEXT.hash(),
            f.clock.instant(),
            Map.of(
                "db",
                new Measurement.Value(f.clock.instant(), 90),
                CompareSpec.measuredAs("db"),
                new Measurement.Value(f.clock.instant(), 90))));
    assertThat(f.last.status().analysis.guards.get(0).verdict).isEqualTo(Verdict.Pass);
    assertThat(f.last.outlook()).isEmpty();
  }

  private static RolloutStatus copy(RolloutStatus status) {
    return StatusJson.MAPPER.convertValue(status, RolloutStatus.class);
  }
}
