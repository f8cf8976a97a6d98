package dev.rollguard.operator.decide.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.CompareSpec;
import dev.rollguard.operator.api.GuardStatus.Verdict;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class CompareBoundTest {

  private static CompareBound bound(String maxIncrease, Double maxRatio) {
    CompareSpec spec = new CompareSpec();
    spec.baseline = "stable";
    spec.maxIncrease = maxIncrease;
    spec.maxRatio = maxRatio;
    return CompareBound.of("conns", spec);
  }

  @Test
  void aRatioAboveTheLimitBreaches() {
    GuardEvaluation e = bound(null, 1.5).evaluate(16, OptionalDouble.of(10), Optional.empty());
    assertThat(e.verdict()).isEqualTo(Verdict.Breach);
    assertThat(e.threshold()).isEqualTo("<= 15 (compared 10 x 1.5)");
    assertThat(e.reason()).isEqualTo("conns = 16 > 15 (compared 10 x 1.5)");
  }

  @Test
  void trafficRisingOnBothSidesPasses() {
    assertThat(bound("30%", null).evaluate(52, OptionalDouble.of(40), Optional.empty()).verdict())
        .isEqualTo(Verdict.Pass);
  }

  @Test
  void anAbsoluteToleranceAndARatioMustBothHold() {
    GuardEvaluation e = bound("+5", 2.0).evaluate(0.8, OptionalDouble.of(0.1), Optional.empty());
    assertThat(e.verdict()).as("within +5, but 8 times the stable value").isEqualTo(Verdict.Breach);
    assertThat(e.threshold()).isEqualTo("<= 5.1 (compared 0.1 + 5), <= 0.2 (compared 0.1 x 2)");
  }

  @Test
  void withoutTheComparedValueItIsInconclusive() {
    GuardEvaluation e =
        bound(null, 1.5).evaluate(16, OptionalDouble.empty(), Optional.of("no data for stable"));
    assertThat(e.verdict()).isEqualTo(Verdict.Inconclusive);
    assertThat(e.reason()).contains("no data for stable");
  }
}
