package dev.rollguard.operator.decide.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.measure.prometheus.Measurement;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class GuardBoundsTest {

  private static GuardBounds bounds(Double max, Double min, String maxIncrease) {
    GuardSpec spec = new GuardSpec("db", "q");
    spec.max = max;
    spec.min = min;
    spec.maxIncrease = maxIncrease;
    return GuardBounds.of(spec);
  }

  @Test
  void aValueAboveMaxBreachesAndSaysByHowMuch() {
    GuardEvaluation e = bounds(150.0, null, null).evaluate(180, OptionalDouble.empty());
    assertThat(e.verdict()).isEqualTo(Verdict.Breach);
    assertThat(e.reason()).isEqualTo("db = 180 > max 150");
    assertThat(e.threshold()).isEqualTo("<= 150");
  }

  @Test
  void theMaxItselfPasses() {
    assertThat(bounds(150.0, null, null).evaluate(150, OptionalDouble.empty()).verdict())
        .isEqualTo(Verdict.Pass);
  }

  @Test
  void aValueBelowMinBreaches() {
    GuardEvaluation e = bounds(null, 1.0, null).evaluate(0.5, OptionalDouble.empty());
    assertThat(e.verdict()).isEqualTo(Verdict.Breach);
    assertThat(e.reason()).isEqualTo("db = 0.5 < min 1");
  }

  @Test
  void relativeIncreaseIsJudgedAgainstTheBaseline() {
    GuardBounds relative = bounds(null, null, "50%");
    assertThat(relative.evaluate(119, OptionalDouble.of(80)).verdict()).isEqualTo(Verdict.Pass);
    GuardEvaluation breach = relative.evaluate(130, OptionalDouble.of(80));
    assertThat(breach.verdict()).isEqualTo(Verdict.Breach);
    assertThat(breach.reason()).isEqualTo("db = 130 > 120 (baseline 80 + 50%)");
    // The same 130 before a deploy whose baseline was 100 is fine: the bound moves with the
    // baseline.
    assertThat(relative.evaluate(130, OptionalDouble.of(100)).verdict()).isEqualTo(Verdict.Pass);
  }

  @Test
  void absoluteIncreaseAddsToTheBaseline() {
    GuardBounds absolute = bounds(null, null, "+40");
    assertThat(absolute.evaluate(120, OptionalDouble.of(80)).verdict()).isEqualTo(Verdict.Pass);
    assertThat(absolute.evaluate(121, OptionalDouble.of(80)).verdict()).isEqualTo(Verdict.Breach);
  }

  @Test
  void boundsReadAsTheBaselinePlusTheIncrease() {
    GuardEvaluation absolute = bounds(null, null, "+15").evaluate(30, OptionalDouble.of(8));
    assertThat(absolute.reason()).isEqualTo("db = 30 > 23 (baseline 8 + 15)");
    assertThat(absolute.threshold()).isEqualTo("<= 23 (baseline 8 + 15)");
    GuardEvaluation relative = bounds(null, null, "50%").evaluate(100, OptionalDouble.of(20));
    assertThat(relative.reason()).isEqualTo("db = 100 > 30 (baseline 20 + 50%)");
    assertThat(bounds(150.0, null, "50%").evaluate(100, OptionalDouble.empty()).threshold())
        .isEqualTo("<= 150, <= baseline + 50% (no baseline)");
  }

  @Test
  void withoutABaselineARelativeOnlyGuardIsInconclusiveButAbsoluteBoundsStillJudge() {
    GuardEvaluation onlyRelative = bounds(null, null, "50%").evaluate(130, OptionalDouble.empty());
    assertThat(onlyRelative.verdict()).isEqualTo(Verdict.Inconclusive);
    assertThat(onlyRelative.reason()).contains("no baseline");
    assertThat(bounds(150.0, null, "50%").evaluate(130, OptionalDouble.empty()).verdict())
        .isEqualTo(Verdict.Pass);
    assertThat(bounds(150.0, null, "50%").evaluate(160, OptionalDouble.empty()).verdict())
        .isEqualTo(Verdict.Breach);
  }

  @Test
  void everyBreachedBoundIsNamed() {
    GuardEvaluation e = bounds(150.0, null, "10%").evaluate(200, OptionalDouble.of(100));
    assertThat(e.reason()).isEqualTo("db = 200 > max 150; db = 200 > 110 (baseline 100 + 10%)");
    assertThat(e.threshold()).isEqualTo("<= 150, <= 110 (baseline 100 + 10%)");
  }

  @Test
  void increasesParseOrFailWithTheField() {
    assertThat(Increase.parse("50%")).isEqualTo(new Increase(true, 50));
    assertThat(Increase.parse("+40")).isEqualTo(new Increase(false, 40));
    assertThatThrownBy(() -> Increase.parse("40")).hasMessageContaining("maxIncrease '40'");
  }

  @Test
  void numbersReadLikePeopleWriteThem() {
    assertThat(Numbers.format(150.0)).isEqualTo("150");
    assertThat(Numbers.format(0.05)).isEqualTo("0.05");
    assertThat(Numbers.format(12.3456)).isEqualTo("12.35");
    assertThat(Numbers.format(1234567)).isEqualTo("1235000");
  }

  @Test
  void aMeasurementIsJudgedOnlyWhenItHasAValueAndAgainstTheBaselineWhenThereIsOne() {
    GuardBounds db = bounds(150.0, null, "50%");
    Instant at = Instant.parse("2026-12-07T12:00:00Z");

    assertThat(db.verdictOn(new Measurement.Value(at, 130), 80.0)).contains(Verdict.Breach);
    assertThat(db.verdictOn(new Measurement.Value(at, 130), null)).contains(Verdict.Pass);
    assertThat(db.verdictOn(new Measurement.Value(at, 160), null)).contains(Verdict.Breach);
    assertThat(
            db.verdictOn(
                new Measurement.Inconclusive(at, Measurement.Cause.UNREACHABLE, "down"), 80.0))
        .isEmpty();
    assertThat(db.verdictOn(null, 80.0)).isEmpty();
  }

  @Test
  void aRoundsResultIsJudgedAgainstThatGuardsBaseline() {
    GuardBounds db = bounds(150.0, null, "50%");
    Instant at = Instant.parse("2026-12-07T12:00:00Z");
    Map<String, Measurement> results =
        Map.of("db", new Measurement.Value(at, 130), "errors", new Measurement.Value(at, 1));

    assertThat(db.verdictIn(results, Map.of("db", 80.0, "errors", 200.0))).contains(Verdict.Breach);
    assertThat(db.verdictIn(results, Map.of("errors", 80.0))).contains(Verdict.Pass);
    assertThat(db.verdictIn(Map.of("errors", new Measurement.Value(at, 1)), Map.of())).isEmpty();
  }
}
