package dev.rollguard.operator;

import static dev.rollguard.operator.InProcessRollouts.SOON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.act.RevisionStore;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.decide.Requests;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a full local cluster (controller-manager, scheduler, kwok nodes): adoption never takes an
 * unproven revision as stable, and a Rollout waiting behind another one takes over as soon as that
 * one is deleted.
 */
@LocalPlatform(cluster = true)
class AdoptionAndTakeoverIT {

  private static InProcessRollouts rollouts;

  @BeforeAll
  static void start(Platform platform) {
    rollouts = InProcessRollouts.start(platform, "adoption", OperatorHooks.NONE);
  }

  @AfterAll
  static void stop() {
    if (rollouts != null) {
      rollouts.close();
    }
  }

  @Test
  void aRolloutCreatedDuringARolloutAdoptsThePreviousRevisionAndAnalysesTheInFlightOne(
      Platform platform) {
    rollouts.deployment("inflight", "shop/inflight:1", 3, "");
    awaitAvailable("inflight", "shop/inflight:1");
    // The new pods can never be scheduled: the rollout stays in flight, old pods serving.
    rollouts.deployment(
        "inflight", "shop/inflight:2", 3, "nodeSelector: {rollguard.dev/nowhere: \"true\"}");
    await()
        .atMost(SOON)
        .until(
            () -> {
              var status = rollouts.deployment("inflight").getStatus();
              return status != null && Integer.valueOf(1).equals(status.getUpdatedReplicas());
            });

    rollouts.rollout("inflight", "inflight", "{}");

    rollouts.awaitStage("inflight", Stage.Analysing);
    var status = rollouts.get("inflight").getStatus();
    assertThat(status.stableRevision.images)
        .as("the revision that served")
        .containsExactly("shop/inflight:1");
    assertThat(status.currentRevision.images)
        .as("the in-flight one is analysed")
        .containsExactly("shop/inflight:2");
    PodTemplateSpec template =
        new RevisionStore(platform.client())
            .load(rollouts.namespace, status.stableRevision.controllerRevision);
    assertThat(template.getSpec().getContainers().get(0).getImage()).isEqualTo("shop/inflight:1");
    assertThat(template.getMetadata().getLabels()).doesNotContainKey("pod-template-hash");

    platform
        .kubectl(
            "annotate",
            "rollout",
            "inflight",
            "-n",
            rollouts.namespace,
            Requests.ROLLBACK + "=true")
        .orThrow();
    awaitAvailable("inflight", "shop/inflight:1");
    assertThat(rollouts.deployment("inflight").getSpec().getTemplate().getSpec().getNodeSelector())
        .isNullOrEmpty();
  }

  @Test
  void deletingTheGuardingRolloutMakesTheNextOneTakeOverWithTheRunningRevision(Platform platform) {
    rollouts.deployment("shared", "shop/shared:1", 3, "");
    awaitAvailable("shared", "shop/shared:1");
    rollouts.rollout("first", "shared", "{}");
    rollouts.awaitStage("first", Stage.Stable);
    rollouts.rollout("second", "shared", "{}");
    rollouts.awaitStage("second", Stage.Conflict);
    String deploymentVersion = rollouts.deployment("shared").getMetadata().getResourceVersion();

    platform
        .kubectl("delete", "rollout", "first", "-n", rollouts.namespace, "--timeout=30s")
        .orThrow();

    // Nothing else changes: only the deletion can wake the second Rollout.
    await().atMost(Duration.ofSeconds(15)).until(() -> rollouts.stage("second") == Stage.Stable);
    assertThat(rollouts.get("second").getStatus().stableRevision.images)
        .containsExactly("shop/shared:1");
    assertThat(rollouts.condition("second", "Ready").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(rollouts.deployment("shared").getMetadata().getResourceVersion())
        .isEqualTo(deploymentVersion);
  }

  private static void awaitAvailable(String name, String image) {
    await()
        .atMost(SOON)
        .until(
            () -> {
              Deployment d = rollouts.deployment(name);
              var status = d.getStatus();
              return image.equals(
                      d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                  && status != null
                  && status.getObservedGeneration() != null
                  && status.getObservedGeneration() >= d.getMetadata().getGeneration()
                  && Integer.valueOf(3).equals(status.getUpdatedReplicas())
                  && Integer.valueOf(3).equals(status.getAvailableReplicas())
                  && Integer.valueOf(3).equals(status.getReplicas());
            });
  }
}
