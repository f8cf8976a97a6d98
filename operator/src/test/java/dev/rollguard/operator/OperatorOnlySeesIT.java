package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.act.RevisionStore;
import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.decide.Requests;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What only the operator can see, against a real API server: a missing Deployment, a second Rollout
 * on the same Deployment, requests by annotation, deletion. None of it crashes, stops other
 * Rollouts, or touches the user's Deployment.
 */
@LocalPlatform(apiServer = true)
class OperatorOnlySeesIT {

  private static RollguardOperator operator;

  @BeforeAll
  static void start(Platform platform) {
    CrdFiles.install(platform);
    platform.kubectl("create", "namespace", "shop").orThrow();
    // No Prometheus at all: nothing here needs a measurement.
    operator =
        new RollguardOperator(
            OperatorOptions.parse(
                "--kubeconfig",
                platform.kubeconfig().toString(),
                "--namespaces",
                "shop",
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

  private static void rollout(Platform platform, String name, String deployment) {
    platform
        .kubectlWithInput(
            """
        apiVersion: rollguard.dev/v1alpha1
        kind: Rollout
        metadata: {name: %s, namespace: shop}
        spec:
          workloadRef: {kind: Deployment, name: %s}
          guards: [{name: db, query: 'sum(pg_stat_activity_count)', max: 150}]
        """
                .formatted(name, deployment),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  private static void deployment(Platform platform, String name, String image) {
    platform
        .kubectlWithInput(
            """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %s, namespace: shop}
        spec:
          replicas: 2
          selector: {matchLabels: {app: %s}}
          template:
            metadata: {labels: {app: %s}}
            spec: {containers: [{name: app, image: "%s"}]}
        """
                .formatted(name, name, name, image),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  private static Rollout get(Platform platform, String name) {
    return platform.client().resources(Rollout.class).inNamespace("shop").withName(name).get();
  }

  private static String condition(Rollout rollout, String type) {
    if (rollout == null || rollout.getStatus() == null) {
      return null;
    }
    return rollout.getStatus().conditions.stream()
        .filter(c -> type.equals(c.getType()))
        .map(c -> c.getStatus() + "/" + c.getReason())
        .findFirst()
        .orElse(null);
  }

  @Test
  void aMissingDeploymentIsAConditionUntilItAppearsAndIsAdopted(Platform platform) {
    rollout(platform, "cart", "cart");
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(() -> "False/NotFound".equals(condition(get(platform, "cart"), "WorkloadFound")));
    assertThat(get(platform, "cart").getStatus().phase).isEqualTo(Phase.Pending);
    assertThat(get(platform, "cart").getStatus().message)
        .isEqualTo("Deployment cart not found in namespace shop");

    deployment(platform, "cart", "shop/cart:1");
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(() -> get(platform, "cart").getStatus().phase == Phase.Healthy);
    Rollout cart = get(platform, "cart");
    assertThat(cart.getStatus().stableRevision.images).containsExactly("shop/cart:1");
    ControllerRevision saved =
        platform
            .client()
            .apps()
            .controllerRevisions()
            .inNamespace("shop")
            .withName(cart.getStatus().stableRevision.controllerRevision)
            .get();
    assertThat(saved.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(owner -> assertThat(owner.getUid()).isEqualTo(cart.getMetadata().getUid()));
    assertThat(saved.getMetadata().getLabels()).containsEntry(RevisionStore.ROLLOUT_LABEL, "cart");
  }

  @Test
  void aSecondRolloutOnTheSameDeploymentGetsAConflictAndDoesNothing(Platform platform) {
    deployment(platform, "checkout", "shop/checkout:1");
    rollout(platform, "checkout", "checkout");
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(
            () ->
                get(platform, "checkout").getStatus() != null
                    && get(platform, "checkout").getStatus().phase == Phase.Healthy);

    rollout(platform, "checkout-copy", "checkout");
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(() -> "False/Conflict".equals(condition(get(platform, "checkout-copy"), "Ready")));
    Rollout copy = get(platform, "checkout-copy");
    assertThat(copy.getStatus().phase).isEqualTo(Phase.Error);
    assertThat(copy.getStatus().message).contains("already guarded by Rollout checkout");
    assertThat(copy.getStatus().stableRevision).isNull();
    assertThat(get(platform, "checkout").getStatus().phase).isEqualTo(Phase.Healthy);
  }

  @Test
  void aRequestAnnotationIsAnsweredAndRemoved(Platform platform) {
    deployment(platform, "search", "shop/search:1");
    rollout(platform, "search", "search");
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(
            () ->
                get(platform, "search").getStatus() != null
                    && get(platform, "search").getStatus().phase == Phase.Healthy);

    platform
        .kubectl("annotate", "rollout", "search", "-n", "shop", Requests.PROMOTE + "=true")
        .orThrow();

    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(
            () -> {
              var annotations = get(platform, "search").getMetadata().getAnnotations();
              return annotations == null || !annotations.containsKey(Requests.PROMOTE);
            });
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(
            () ->
                platform.client().v1().events().inNamespace("shop").list().getItems().stream()
                    .anyMatch(e -> "PromoteIgnored".equals(e.getReason())));
  }

  @Test
  void deletingARolloutLeavesTheDeploymentAsItIs(Platform platform) {
    deployment(platform, "payments", "shop/payments:1");
    rollout(platform, "payments", "payments");
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(
            () ->
                get(platform, "payments").getStatus() != null
                    && get(platform, "payments").getStatus().phase == Phase.Healthy);
    var before =
        platform.client().apps().deployments().inNamespace("shop").withName("payments").get();

    platform.kubectl("delete", "rollout", "payments", "-n", "shop", "--timeout=30s").orThrow();

    var after =
        platform.client().apps().deployments().inNamespace("shop").withName("payments").get();
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(after.getMetadata().getOwnerReferences()).isNullOrEmpty();
    assertThat(platform.kubectl("get", "rollouts", "-n", "shop", "-o", "name").orThrow().stdout())
        .doesNotContain("payments");
  }
}
