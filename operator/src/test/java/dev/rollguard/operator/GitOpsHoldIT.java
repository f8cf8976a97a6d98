package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.decide.Requests;
import dev.rollguard.operator.decide.WorkloadState;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A GitOps controller re-syncing a failed revision must not roll it out again, and Rollguard must
 * not fight it: the failed template is held back by pausing the Deployment, reported once, and
 * released by a new revision or a retry. The "GitOps controller" here is a server-side apply with
 * its own field manager, as Argo CD and Flux do.
 */
@LocalPlatform(cluster = true, prometheus = true)
class GitOpsHoldIT {

  private static final String SERIES = "db_connections{scenario=\"gitops\"}";

  @Test
  void aFailedRevisionReSyncedByGitOpsIsHeldUntilANewRevisionOrARetry(Platform platform) {
    try (TestExporter exporter = TestExporter.start();
        RollguardOperator operator =
            new RollguardOperator(ScenarioSupport.options(platform, "gitops"))) {
      platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
      CrdFiles.install(platform);
      exporter.set(SERIES, 40);
      ScenarioSupport s = new ScenarioSupport(platform, "gitops");
      s.awaitPrometheusAtLeast("count_over_time(" + SERIES + "[1m])", 3);
      s.createNamespace();
      gitOpsSync(platform, "shop/web:1");
      s.awaitRunning("shop/web:1");
      operator.start();
      s.guard("- {name: db, query: 'sum(" + SERIES + ")', max: 150}", "");
      s.awaitPhase(Phase.Healthy);

      // A bad release, rolled back; then the Deployment is held.
      gitOpsSync(platform, "shop/web:2");
      s.awaitPhase(Phase.Analysing);
      exporter.set(SERIES, 200);
      s.awaitPhase(Phase.RolledBack);
      exporter.set(SERIES, 40);
      s.awaitRunning("shop/web:1");
      await().atMost(ScenarioSupport.TIMEOUT).until(() -> held(s.deployment()));

      // The GitOps controller re-syncs the failed revision from Git, ten times.
      for (int i = 0; i < 10; i++) {
        gitOpsSync(platform, "shop/web:2");
      }
      s.awaitPhase(Phase.Holding);
      long generation = s.deployment().getMetadata().getGeneration();
      await()
          .during(Duration.ofSeconds(10))
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  s.status().phase == Phase.Holding
                      && readyPods(platform, "shop/web:2") == 0
                      && readyPods(platform, "shop/web:1") == 3
                      && held(s.deployment())
                      && s.deployment().getMetadata().getGeneration() == generation);
      assertThat(s.status().message).contains("held failed revision").contains(Requests.RETRY);
      assertThat(s.events("Rollout").stream().filter(e -> "Held".equals(e.getReason()))).hasSize(1);
      assertThat(s.eventReasons("Deployment")).contains("Held");

      // A new revision is analysed normally and promoted.
      gitOpsSync(platform, "shop/web:3");
      s.awaitPhase(Phase.Analysing);
      assertThat(held(s.deployment())).isFalse();
      s.awaitPhase(Phase.Healthy);
      assertThat(s.status().stableRevision.images).containsExactly("shop/web:3");
      s.awaitRunning("shop/web:3");

      // Another failed release, held; a person asks for a retry: it is analysed again.
      gitOpsSync(platform, "shop/web:4");
      s.awaitPhase(Phase.Analysing);
      exporter.set(SERIES, 200);
      s.awaitPhase(Phase.RolledBack);
      exporter.set(SERIES, 40);
      await().atMost(ScenarioSupport.TIMEOUT).until(() -> held(s.deployment()));
      gitOpsSync(platform, "shop/web:4");
      s.awaitPhase(Phase.Holding);
      platform
          .kubectl("annotate", "rollout", "web", "-n", "gitops", Requests.RETRY + "=true")
          .orThrow();
      s.awaitPhase(Phase.Analysing);
      assertThat(s.status().currentRevision.images).containsExactly("shop/web:4");
      s.awaitPhase(Phase.Healthy);
      assertThat(s.status().stableRevision.images).containsExactly("shop/web:4");
      s.awaitRunning("shop/web:4");

      // Deleting the Rollout lifts its hold and leaves the Deployment otherwise as it is.
      gitOpsSync(platform, "shop/web:5");
      s.awaitPhase(Phase.Analysing);
      exporter.set(SERIES, 200);
      s.awaitPhase(Phase.RolledBack);
      await().atMost(ScenarioSupport.TIMEOUT).until(() -> held(s.deployment()));
      platform.kubectl("delete", "rollout", "web", "-n", "gitops", "--timeout=60s").orThrow();
      Deployment released = s.deployment();
      assertThat(released.getSpec().getPaused()).isNotEqualTo(Boolean.TRUE);
      assertThat(released.getMetadata().getAnnotations())
          .doesNotContainKey(WorkloadState.HELD_REVISION);
      assertThat(s.image()).isEqualTo("shop/web:4");
    }
  }

  /**
   * What Argo CD or Flux does: a server-side apply of the manifest in Git, with its own field
   * manager.
   */
  private static void gitOpsSync(Platform platform, String image) {
    platform
        .kubectlWithInput(
            """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: gitops}
        spec:
          replicas: 3
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: web, image: "%s"}]
        """
                .formatted(image),
            "apply",
            "--server-side",
            "--field-manager=gitops-controller",
            "--force-conflicts",
            "-f",
            "-")
        .orThrow();
  }

  private static boolean held(Deployment deployment) {
    var annotations = deployment.getMetadata().getAnnotations();
    return Boolean.TRUE.equals(deployment.getSpec().getPaused())
        && annotations != null
        && annotations.containsKey(WorkloadState.HELD_REVISION);
  }

  private static long readyPods(Platform platform, String image) {
    return platform.client().pods().inNamespace("gitops").list().getItems().stream()
        .filter(pod -> image.equals(pod.getSpec().getContainers().get(0).getImage()))
        .filter(GitOpsHoldIT::ready)
        .count();
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
