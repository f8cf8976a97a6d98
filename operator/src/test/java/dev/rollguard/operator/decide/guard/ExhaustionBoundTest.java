package dev.rollguard.operator.decide.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.GuardStatus.Verdict;
import dev.rollguard.operator.measure.prometheus.Measurement;
import dev.rollguard.operator.measure.prometheus.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class ExhaustionBoundTest {

  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private final ExhaustionBound bound =
      new ExhaustionBound("db-connections", Duration.ofMinutes(30), Duration.ofMinutes(5));

  /** 60 points, one every 5 s: a 5-minute window. */
  private static Series series(IntToDoubleFunction value) {
    List<Series.Point> points = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      points.add(new Series.Point(T0.plusSeconds(5L * i), value.applyAsDouble(i)));
    }
    return Series.of(points);
  }

  @Test
  void aSteadyClimbIsABreachLongBeforeTheLimit() {
    // 11.8 per minute from 60: after the window it is at ~118, far below 200.
    GuardEvaluation e =
        bound.evaluate(series(i -> 60 + 11.8 * i * 5 / 60), Optional.of(200.0), Optional.empty());
    assertThat(e.verdict()).isEqualTo(Verdict.Breach);
    assertThat(e.reason())
        .isEqualTo("db-connections rising 11.8/min, projected to reach 200 in 7m (window 5m)");
  }

  @Test
  void aClimbThatWouldTakeLongerThanWithinPasses() {
    GuardEvaluation e =
        bound.evaluate(series(i -> 60 + 1.0 * i * 5 / 60), Optional.of(200.0), Optional.empty());
    assertThat(e.verdict()).isEqualTo(Verdict.Pass);
    assertThat(e.threshold()).isEqualTo("not projected to reach 200 within 30m (trend +1/min)");
  }

  @Test
  void aFlatNoisySeriesNeverBreaches() {
    Random random = new Random(42);
    for (int run = 0; run < 200; run++) {
      GuardEvaluation e =
          bound.evaluate(
              series(i -> 100 + random.nextGaussian() * 10), Optional.of(140.0), Optional.empty());
      assertThat(e.verdict()).as("run %d", run).isEqualTo(Verdict.Pass);
    }
  }

  @Test
  void noiseAroundASlowlyRisingLevelFarFromTheLimitPasses() {
    Random random = new Random(7);
    GuardEvaluation e =
        bound.evaluate(
            series(i -> 100 + 0.01 * i + random.nextGaussian() * 5),
            Optional.of(200.0),
            Optional.empty());
    assertThat(e.verdict()).isEqualTo(Verdict.Pass);
  }

  @Test
  void aValueAtTheLimitBreaches() {
    GuardEvaluation e = bound.evaluate(series(i -> 200), Optional.of(200.0), Optional.empty());
    assertThat(e.verdict()).isEqualTo(Verdict.Breach);
    assertThat(e.reason()).isEqualTo("db-connections at 200 has reached the limit 200");
  }

  @Test
  void aFallingSeriesPasses() {
    assertThat(bound.evaluate(series(i -> 180 - i), Optional.of(200.0), Optional.empty()).verdict())
        .isEqualTo(Verdict.Pass);
  }

  @Test
  void missingDataOrLimitIsInconclusive() {
    Series few =
        Series.of(List.of(new Series.Point(T0, 1), new Series.Point(T0.plusSeconds(5), 2)));
    assertThat(bound.evaluate(few, Optional.of(200.0), Optional.empty()).reason())
        .contains("too few to fit");
    Series failed =
        Series.failed(
            new Measurement.Inconclusive(T0, Measurement.Cause.UNREACHABLE, "Prometheus down"));
    assertThat(bound.evaluate(failed, Optional.of(200.0), Optional.empty()).verdict())
        .isEqualTo(Verdict.Inconclusive);
    GuardEvaluation noLimit =
        bound.evaluate(series(i -> i), Optional.empty(), Optional.of("limitQuery: no data"));
    assertThat(noLimit.verdict()).isEqualTo(Verdict.Inconclusive);
    assertThat(noLimit.reason()).contains("limitQuery: no data");
  }
}
