package dev.rollguard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What status exits with: the contract a CI job gates a release on. */
class HealthTest {

  private static Health health(String status, String deployed) {
    return Health.of(
        RolloutJson.tree("{\"metadata\": {\"generation\": 2}, \"status\": " + status + "}"),
        Optional.ofNullable(deployed));
  }

  @Test
  void healthyOnlyWhenTheOperatorSpokeOfTheRevisionTheDeploymentRuns() {
    String healthy =
        "{\"phase\": \"Healthy\", \"observedGeneration\": 2, \"currentRevision\": {\"hash\": \"a\"}}";
    assertThat(health(healthy, "a").exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(health(healthy, null).exitCode()).isEqualTo(ExitCodes.OK);
    Health newer = health(healthy, "b");
    assertThat(newer.exitCode()).isEqualTo(ExitCodes.UNDECIDED);
    assertThat(newer.summary()).contains("the Deployment runs revision b");
  }

  @Test
  void rolledBackHoldingAndErrorAreNotHealthy() {
    for (String phase : new String[] {"RolledBack", "Holding", "Error"}) {
      Health health =
          health(
              "{\"phase\": \"" + phase + "\", \"observedGeneration\": 2, \"message\": \"m\"}",
              null);
      assertThat(health.exitCode()).as(phase).isEqualTo(ExitCodes.NOT_HEALTHY);
      assertThat(health.summary()).isEqualTo(phase + ": m");
    }
  }

  @Test
  void undecidedWhileAnalysingOrBeforeTheOperatorSawTheSpec() {
    for (String phase : new String[] {"Pending", "Analysing", "RollingBack"}) {
      assertThat(
              health("{\"phase\": \"" + phase + "\", \"observedGeneration\": 2}", null).exitCode())
          .isEqualTo(ExitCodes.UNDECIDED);
    }
    assertThat(health("{}", null).summary()).contains("has not reported on this Rollout");
    assertThat(health("{\"phase\": \"Healthy\", \"observedGeneration\": 1}", null).summary())
        .contains("generation 2");
  }
}
