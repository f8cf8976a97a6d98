package dev.rollguard.operator;

import static dev.rollguard.operator.InProcessRollouts.SOON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On a full local cluster with a real Prometheus: a guard that selects the new revision's pods by
 * their pod-template-hash ({@code {{revision}}}) and compares them with the stable revision's pods
 * ({@code {{stableRevision}}}) at the same instant. Load rising on both is no regression; the new
 * pods holding more connections each than the stable ones is.
 */
@LocalPlatform(cluster = true, prometheus = true)
class CompareGuardIT {

  private static TestExporter exporter;
  private static InProcessRollouts rollouts;

  @BeforeAll
  static void start(Platform platform) {
    exporter = TestExporter.start();
    platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
    rollouts = InProcessRollouts.startWithPrometheus(platform, "compare");
  }

  @AfterAll
  static void stop() {
    if (rollouts != null) {
      rollouts.close();
    }
    if (exporter != null) {
      exporter.close();
    }
  }

  private static String perPod(String podTemplateHash) {
    return "conns_per_pod{deployment=\"shop\",pod_template_hash=\"" + podTemplateHash + "\"}";
  }

  /** The pod-template-hash of the ReplicaSet running {@code image}, once the controller made it. */
  private static String podTemplateHash(Platform platform, String image) {
    await().atMost(SOON).until(() -> replicaSet(platform, image) != null);
    return replicaSet(platform, image).getMetadata().getLabels().get("pod-template-hash");
  }

  private static ReplicaSet replicaSet(Platform platform, String image) {
    return platform
        .client()
        .apps()
        .replicaSets()
        .inNamespace(rollouts.namespace)
        .list()
        .getItems()
        .stream()
        .filter(
            rs ->
                image.equals(
                    rs.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()))
        .findFirst()
        .orElse(null);
  }

  @Test
  void theNewPodsAreJudgedAgainstTheStablePodsAtTheSameInstant(Platform platform) {
    rollouts.deployment("shop", "shop/app:1", 3, "");
    String stable = podTemplateHash(platform, "shop/app:1");
    exporter.set(perPod(stable), 10);
    platform
        .kubectlWithInput(
            """
            apiVersion: rollguard.dev/v1alpha1
            kind: Rollout
            metadata: {name: shop, namespace: compare}
            spec:
              workloadRef: {kind: Deployment, name: shop}
              analysis: {initialDelay: 2s, interval: 2s, bakeTime: 10s, failureLimit: 2, progressDeadline: 60s}
              guards:
              - name: conns-per-pod
                query: 'avg(conns_per_pod{deployment="{{rollout}}", pod_template_hash="{{revision}}"})'
                compare:
                  baseline: 'avg(conns_per_pod{deployment="{{rollout}}", pod_template_hash="{{stableRevision}}"})'
                  maxRatio: 1.5
            """,
            "apply",
            "-f",
            "-")
        .orThrow();
    rollouts.awaitStage("shop", Stage.Stable);
    await()
        .atMost(SOON)
        .until(
            () -> stable.equals(rollouts.get("shop").getStatus().stableRevision.podTemplateHash));

    // Release 2: more load on every pod, the new ones no worse than the stable ones.
    rollouts.deployment("shop", "shop/app:2", 3, "");
    String second = podTemplateHash(platform, "shop/app:2");
    exporter.set(perPod(stable), 40);
    exporter.set(perPod(second), 48);
    await()
        .atMost(SOON)
        .until(
            () -> {
              RolloutStatus status = rollouts.get("shop").getStatus();
              return status.stage == Stage.Stable
                  && second.equals(status.stableRevision.podTemplateHash);
            });
    var promoted = rollouts.get("shop").getStatus().analysis.guards.get(0);
    assertThat(promoted.compared).as("the stable pods, measured in the same round").isEqualTo(40.0);

    // Release 3: its pods hold twice the connections of the stable (release 2) pods.
    rollouts.deployment("shop", "shop/app:3", 3, "");
    String third = podTemplateHash(platform, "shop/app:3");
    exporter.set(perPod(second), 20);
    exporter.set(perPod(third), 40);
    await().atMost(SOON).until(() -> rollouts.get("shop").getStatus().failedRevisions.size() == 1);
    RolloutStatus status = rollouts.get("shop").getStatus();
    assertThat(status.failedRevisions.get(0).images).containsExactly("shop/app:3");
    assertThat(status.failedRevisions.get(0).threshold).isEqualTo("<= 30 (compared 20 x 1.5)");
    assertThat(status.stableRevision.images).containsExactly("shop/app:2");
    await()
        .atMost(SOON)
        .until(
            () ->
                "shop/app:2"
                    .equals(
                        rollouts
                            .deployment("shop")
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage()));
  }
}
