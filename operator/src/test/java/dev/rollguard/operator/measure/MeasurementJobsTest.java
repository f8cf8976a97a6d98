package dev.rollguard.operator.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.CompareSpec;
import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutSpec;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.WorkloadRef;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Building a round's queries: variables filled in from the status, compare baselines beside. */
class MeasurementJobsTest {

  private final MeasurementJobs jobs =
      new MeasurementJobs(null, Optional.of(URI.create("http://prom:9090")));
  private final MeasurementRequest request =
      new MeasurementRequest(Purpose.ANALYSIS, "bbbb", Instant.EPOCH, Optional.empty());

  private static Rollout rollout() {
    Rollout rollout = new Rollout();
    rollout.setMetadata(
        new ObjectMetaBuilder().withName("web-guard").withNamespace("shop").build());
    rollout.setSpec(new RolloutSpec());
    rollout.getSpec().workloadRef = new WorkloadRef("Deployment", "web");
    GuardSpec guard =
        new GuardSpec(
            "conns",
            "avg(c{namespace=\"{{namespace}}\", deployment=\"{{deployment}}\","
                + " pod_template_hash=\"{{revision}}\"})");
    guard.compare = new CompareSpec();
    guard.compare.baseline = "avg(c{pod_template_hash=\"{{stableRevision}}\"})";
    guard.compare.maxRatio = 1.5;
    rollout.getSpec().guards = List.of(guard, new GuardSpec("errors", "sum(e{r=\"{{rollout}}\"})"));
    return rollout;
  }

  private static RolloutStatus status(String current, String stable) {
    RolloutStatus status = new RolloutStatus();
    status.currentRevision = new Revision("bbbb", List.of("web:2"));
    status.currentRevision.podTemplateHash = current;
    status.stableRevision = new Revision("aaaa", List.of("web:1"));
    status.stableRevision.podTemplateHash = stable;
    return status;
  }

  @Test
  void fillsInTheVariablesAndMeasuresTheCompareBaselineInTheSameRound() {
    MeasurementJob job = jobs.jobFor(rollout(), status("7c9d", "5d8f"), request);
    assertThat(job.queries())
        .containsEntry(
            "conns", "avg(c{namespace=\"shop\", deployment=\"web\", pod_template_hash=\"7c9d\"})")
        .containsEntry(CompareSpec.measuredAs("conns"), "avg(c{pod_template_hash=\"5d8f\"})")
        .containsEntry("errors", "sum(e{r=\"web-guard\"})");
    assertThat(job.unanswerable()).isEmpty();
  }

  @Test
  void aQueryWhoseRevisionIsNotKnownYetIsNotAskedAndSaysWhy() {
    MeasurementJob job = jobs.jobFor(rollout(), status(null, "5d8f"), request);
    assertThat(job.queries()).doesNotContainKey("conns").containsKey("errors");
    assertThat(job.unanswerable().get("conns")).startsWith("{{revision}} is not known yet");
  }
}
