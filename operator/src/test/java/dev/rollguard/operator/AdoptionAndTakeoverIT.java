package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.act.RevisionStore;
import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.Rollout;
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

  private static final String NAMESPACE = "adoption";
  private static final Duration SOON = Duration.ofSeconds(60);
  private static RollguardOperator operator;

  @BeforeAll
  static void start(Platform platform) {
    platform.kubectl("apply", "-f", CrdFiles.committed().toString()).orThrow();
    platform
        .kubectl(
            "wait", "--for=condition=Established", "crd/rollouts.rollguard.dev", "--timeout=30s")
        .orThrow();
    platform.kubectl("create", "namespace", NAMESPACE).orThrow();
    operator =
        new RollguardOperator(
            OperatorOptions.parse(
                "--kubeconfig",
                platform.kubeconfig().toString(),
                "--namespaces",
                NAMESPACE,
                "--metrics-port",
                "0",
                "--health-port",
                "0"));
    operator.start();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void aRolloutCreatedDuringARolloutAdoptsThePreviousRevisionAndAnalysesTheInFlightOne(
      Platform platform) {
    deployment(platform, "inflight", "shop/inflight:1", "");
    awaitAvailable(platform, "inflight", "shop/inflight:1");
    // The new pods can never be scheduled: the rollout stays in flight, old pods serving.
    deployment(
        platform, "inflight", "shop/inflight:2", "nodeSelector: {rollguard.dev/nowhere: \"true\"}");
    await()
        .atMost(SOON)
        .until(
            () -> {
              var status = get(platform, "inflight").getStatus();
              return status != null && Integer.valueOf(1).equals(status.getUpdatedReplicas());
            });

    rollout(platform, "inflight", "inflight");

    await().atMost(SOON).until(() -> stage(platform, "inflight") == Stage.Analysing);
    var status = rollout(platform, "inflight").getStatus();
    assertThat(status.stableRevision.images)
        .as("the revision that served")
        .containsExactly("shop/inflight:1");
    assertThat(status.currentRevision.images)
        .as("the in-flight one is analysed")
        .containsExactly("shop/inflight:2");
    PodTemplateSpec template =
        new RevisionStore(platform.client())
            .load(NAMESPACE, status.stableRevision.controllerRevision);
    assertThat(template.getSpec().getContainers().get(0).getImage()).isEqualTo("shop/inflight:1");
    assertThat(template.getMetadata().getLabels()).doesNotContainKey("pod-template-hash");

    platform
        .kubectl("annotate", "rollout", "inflight", "-n", NAMESPACE, Requests.ROLLBACK + "=true")
        .orThrow();
    awaitAvailable(platform, "inflight", "shop/inflight:1");
    assertThat(get(platform, "inflight").getSpec().getTemplate().getSpec().getNodeSelector())
        .isNullOrEmpty();
  }

  @Test
  void deletingTheGuardingRolloutMakesTheNextOneTakeOverWithTheRunningRevision(Platform platform) {
    deployment(platform, "shared", "shop/shared:1", "");
    awaitAvailable(platform, "shared", "shop/shared:1");
    rollout(platform, "first", "shared");
    await().atMost(SOON).until(() -> stage(platform, "first") == Stage.Stable);
    rollout(platform, "second", "shared");
    await().atMost(SOON).until(() -> stage(platform, "second") == Stage.Conflict);
    String deploymentVersion = get(platform, "shared").getMetadata().getResourceVersion();

    platform.kubectl("delete", "rollout", "first", "-n", NAMESPACE, "--timeout=30s").orThrow();

    // Nothing else changes: only the deletion can wake the second Rollout.
    await().atMost(Duration.ofSeconds(15)).until(() -> stage(platform, "second") == Stage.Stable);
    var status = rollout(platform, "second").getStatus();
    assertThat(status.stableRevision.images).containsExactly("shop/shared:1");
    assertThat(status.conditions)
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    assertThat(get(platform, "shared").getMetadata().getResourceVersion())
        .isEqualTo(deploymentVersion);
  }

  private static void deployment(
      Platform platform, String name, String image, String podSpecExtra) {
    platform
        .kubectlWithInput(
            """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %s, namespace: %s}
        spec:
          replicas: 3
          strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
          selector: {matchLabels: {app: %s}}
          template:
            metadata: {labels: {app: %s}}
            spec:
              containers: [{name: app, image: "%s"}]
              %s
        """
                .formatted(name, NAMESPACE, name, name, image, podSpecExtra),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  private static void rollout(Platform platform, String name, String deployment) {
    platform
        .kubectlWithInput(
            """
        apiVersion: rollguard.dev/v1alpha1
        kind: Rollout
        metadata: {name: %s, namespace: %s}
        spec:
          workloadRef: {kind: Deployment, name: %s}
          guards: [{name: db, query: 'sum(pg_stat_activity_count)', max: 150}]
        """
                .formatted(name, NAMESPACE, deployment),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  private static Deployment get(Platform platform, String name) {
    return platform.client().apps().deployments().inNamespace(NAMESPACE).withName(name).get();
  }

  private static Rollout rollout(Platform platform, String name) {
    return platform.client().resources(Rollout.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private static Stage stage(Platform platform, String name) {
    Rollout rollout = rollout(platform, name);
    return rollout == null || rollout.getStatus() == null ? null : rollout.getStatus().stage;
  }

  private static void awaitAvailable(Platform platform, String name, String image) {
    await()
        .atMost(SOON)
        .until(
            () -> {
              Deployment d = get(platform, name);
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
