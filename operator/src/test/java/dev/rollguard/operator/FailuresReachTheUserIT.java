package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.decide.Requests;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real API server: a reconcile that throws reaches the user as {@code Ready=False} with
 * its reason and a Warning event, and a status write that fails after the Deployment was restored
 * neither announces nor counts the rollback twice.
 */
@LocalPlatform(apiServer = true)
class FailuresReachTheUserIT {

  private static final Duration SOON = Duration.ofSeconds(30);
  private static final String NAMESPACE = "failures";

  /** Status writes of Rollout "flaky" that are made to fail, once it has been rolled back. */
  private static final AtomicInteger failedWrites = new AtomicInteger();

  private static RollguardOperator operator;

  @BeforeAll
  static void start(Platform platform) {
    platform.kubectl("apply", "-f", CrdFiles.committed().toString()).orThrow();
    platform
        .kubectl(
            "wait", "--for=condition=Established", "crd/rollouts.rollguard.dev", "--timeout=30s")
        .orThrow();
    platform.kubectl("create", "namespace", NAMESPACE).orThrow();
    // The first status write that records the rollback of "flaky" fails, as if the API server
    // had refused it after the Deployment was already restored.
    OperatorHooks hooks =
        OperatorHooks.beforeStatusWrite(
            status -> {
              boolean flakyRolledBack =
                  status.stage == Stage.VerifyingRecovery
                      && status.stableRevision != null
                      && status.stableRevision.images.contains("shop/flaky:1");
              if (flakyRolledBack && failedWrites.getAndIncrement() == 0) {
                throw new IllegalStateException(
                    "simulated failure of the status write after the restore");
              }
            });
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
                "0"),
            hooks);
    operator.start();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void aRollbackWhoseStableRevisionIsGoneIsReportedAsRollbackFailed(Platform platform) {
    deployment(platform, "orders", "shop/orders:1");
    rollout(platform, "orders");
    awaitStage(platform, "orders", Stage.Stable);
    String saved = get(platform, "orders").getStatus().stableRevision.controllerRevision;
    deployment(platform, "orders", "shop/orders:2");
    awaitStage(platform, "orders", Stage.Analysing);

    platform.kubectl("delete", "controllerrevision", saved, "-n", NAMESPACE).orThrow();
    platform
        .kubectl("annotate", "rollout", "orders", "-n", NAMESPACE, Requests.ROLLBACK + "=true")
        .orThrow();

    await()
        .atMost(SOON)
        .until(
            () -> ready(platform, "orders").map(Condition::getReason),
            reason -> reason.equals(Optional.of("RollbackFailed")));
    Condition ready = ready(platform, "orders").orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage())
        .contains("ControllerRevision")
        .contains(saved)
        .contains("missing");
    await().atMost(SOON).until(() -> !events(platform, "orders", "RollbackFailed").isEmpty());
    assertThat(events(platform, "orders", "RollbackFailed").get(0).getType()).isEqualTo("Warning");
    assertThat(get(platform, "orders").getStatus().stage)
        .as("the decision is kept, to be retried")
        .isEqualTo(Stage.RollingBack);
    assertThat(
            platform
                .client()
                .apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName("orders")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("shop/orders:2");
  }

  @Test
  void aFailedStatusWriteAfterTheRestoreAnnouncesAndCountsTheRollbackOnce(Platform platform) {
    deployment(platform, "flaky", "shop/flaky:1");
    rollout(platform, "flaky");
    awaitStage(platform, "flaky", Stage.Stable);
    deployment(platform, "flaky", "shop/flaky:2");
    awaitStage(platform, "flaky", Stage.Analysing);

    platform
        .kubectl("annotate", "rollout", "flaky", "-n", NAMESPACE, Requests.ROLLBACK + "=true")
        .orThrow();

    awaitStage(platform, "flaky", Stage.VerifyingRecovery);
    assertThat(failedWrites.get())
        .as("the first write after the restore failed")
        .isGreaterThanOrEqualTo(2);
    await().atMost(SOON).until(() -> events(platform, "flaky", "RolledBack").size() == 1);
    assertThat(events(platform, "flaky", "ReconcileError"))
        .as("the failed write was reported")
        .isNotEmpty();
    assertThat(
            ScenarioSupport.operatorMetric(
                operator.metricsPort(), "rollguard_rollbacks_total", "rollout=\"flaky\""))
        .hasValue(1.0);
    // Settled: no second RolledBack arrives later from a retried pass.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> events(platform, "flaky", "RolledBack").size() == 1);
    assertThat(ready(platform, "flaky").orElseThrow().getReason())
        .as("a clean pass replaced the error")
        .isEqualTo("VerifyingRecovery");
  }

  private static void rollout(Platform platform, String name) {
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
                .formatted(name, NAMESPACE, name),
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
        metadata: {name: %s, namespace: %s}
        spec:
          replicas: 2
          selector: {matchLabels: {app: %s}}
          template:
            metadata: {labels: {app: %s}}
            spec: {containers: [{name: app, image: "%s"}]}
        """
                .formatted(name, NAMESPACE, name, name, image),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  static Rollout get(Platform platform, String name) {
    return platform.client().resources(Rollout.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private static void awaitStage(Platform platform, String name, Stage stage) {
    await()
        .atMost(SOON)
        .until(
            () -> {
              Rollout rollout = get(platform, name);
              return rollout != null
                  && rollout.getStatus() != null
                  && rollout.getStatus().stage == stage;
            });
  }

  private static Optional<Condition> ready(Platform platform, String name) {
    Rollout rollout = get(platform, name);
    return rollout == null || rollout.getStatus() == null
        ? Optional.empty()
        : rollout.getStatus().conditions.stream()
            .filter(c -> "Ready".equals(c.getType()))
            .findFirst();
  }

  private static List<Event> events(Platform platform, String rollout, String reason) {
    return platform.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> "Rollout".equals(e.getInvolvedObject().getKind()))
        .filter(
            e -> rollout.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .toList();
  }
}
