package dev.rollguard.operator;

import static dev.rollguard.operator.InProcessRollouts.SOON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.decide.Requests;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
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

  /** Status writes of Rollout "flaky" recording its rollback; the first one is made to fail. */
  private static final AtomicInteger flakyWrites = new AtomicInteger();

  private static InProcessRollouts rollouts;

  @BeforeAll
  static void start(Platform platform) {
    // The first status write that records the rollback of "flaky" fails, as if the API server
    // had refused it after the Deployment was already restored.
    OperatorHooks hooks =
        OperatorHooks.beforeStatusWrite(
            status -> {
              boolean flakyRolledBack =
                  status.stage == Stage.VerifyingRecovery
                      && status.stableRevision != null
                      && status.stableRevision.images.contains("shop/flaky:1");
              if (flakyRolledBack && flakyWrites.getAndIncrement() == 0) {
                throw new IllegalStateException(
                    "simulated failure of the status write after the restore");
              }
            });
    rollouts = InProcessRollouts.start(platform, "failures", hooks);
  }

  @AfterAll
  static void stop() {
    if (rollouts != null) {
      rollouts.close();
    }
  }

  @Test
  void aRollbackWhoseStableRevisionIsGoneIsReportedAsRollbackFailed(Platform platform) {
    rollouts.deployment("orders", "shop/orders:1", 2, "");
    rollouts.rollout("orders", "orders", "{}");
    rollouts.awaitStage("orders", Stage.Stable);
    String saved = rollouts.get("orders").getStatus().stableRevision.controllerRevision;
    rollouts.deployment("orders", "shop/orders:2", 2, "");
    rollouts.awaitStage("orders", Stage.Analysing);

    platform.kubectl("delete", "controllerrevision", saved, "-n", rollouts.namespace).orThrow();
    // A running operator still knows the template it saved (and would roll back with it); after
    // a restart it knows only what the cluster holds, and the template is gone.
    rollouts = rollouts.restarted();
    platform
        .kubectl(
            "annotate", "rollout", "orders", "-n", rollouts.namespace, Requests.ROLLBACK + "=true")
        .orThrow();

    await()
        .atMost(SOON)
        .until(
            () -> rollouts.condition("orders", "Ready").map(Condition::getReason),
            reason -> reason.equals(Optional.of("RollbackFailed")));
    Condition ready = rollouts.condition("orders", "Ready").orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getMessage())
        .contains("ControllerRevision")
        .contains(saved)
        .contains("missing");
    await().atMost(SOON).until(() -> !rollouts.events("orders", "RollbackFailed").isEmpty());
    assertThat(rollouts.events("orders", "RollbackFailed").get(0).getType()).isEqualTo("Warning");
    assertThat(rollouts.stage("orders"))
        .as("the decision is kept, to be retried")
        .isEqualTo(Stage.RollingBack);
    assertThat(rollouts.image("orders")).isEqualTo("shop/orders:2");
  }

  @Test
  void aControllerRevisionDeletedWhileTheOperatorRunsStillRollsBackToTheSavedTemplate(
      Platform platform) {
    rollouts.deployment("billing", "shop/billing:1", 2, "");
    rollouts.rollout("billing", "billing", "{}");
    rollouts.awaitStage("billing", Stage.Stable);
    String saved = rollouts.get("billing").getStatus().stableRevision.controllerRevision;
    rollouts.deployment("billing", "shop/billing:2", 2, "");
    rollouts.awaitStage("billing", Stage.Analysing);

    platform.kubectl("delete", "controllerrevision", saved, "-n", rollouts.namespace).orThrow();
    platform
        .kubectl(
            "annotate", "rollout", "billing", "-n", rollouts.namespace, Requests.ROLLBACK + "=true")
        .orThrow();

    // The template is the one the operator saved under that name (the name carries its hash).
    await().atMost(SOON).until(() -> rollouts.image("billing"), "shop/billing:1"::equals);
    assertThat(rollouts.events("billing", "RollbackFailed")).isEmpty();
  }

  @Test
  void aFailedStatusWriteAfterTheRestoreAnnouncesAndCountsTheRollbackOnce(Platform platform) {
    rollouts.deployment("flaky", "shop/flaky:1", 2, "");
    rollouts.rollout("flaky", "flaky", "{}");
    rollouts.awaitStage("flaky", Stage.Stable);
    rollouts.deployment("flaky", "shop/flaky:2", 2, "");
    rollouts.awaitStage("flaky", Stage.Analysing);

    platform
        .kubectl(
            "annotate", "rollout", "flaky", "-n", rollouts.namespace, Requests.ROLLBACK + "=true")
        .orThrow();

    rollouts.awaitStage("flaky", Stage.VerifyingRecovery);
    assertThat(flakyWrites.get())
        .as("the first write after the restore failed, a later one succeeded")
        .isGreaterThanOrEqualTo(2);
    await().atMost(SOON).until(() -> rollouts.events("flaky", "RolledBack").size() == 1);
    assertThat(rollouts.events("flaky", "ReconcileError"))
        .as("the failed write was reported")
        .isNotEmpty();
    assertThat(
            ScenarioSupport.operatorMetric(
                rollouts.operator.metricsPort(), "rollguard_rollbacks_total", "rollout=\"flaky\""))
        .hasValue(1.0);
    // Settled: no second RolledBack arrives later from a retried pass.
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> rollouts.events("flaky", "RolledBack").size() == 1);
    assertThat(rollouts.condition("flaky", "Ready").orElseThrow().getReason())
        .as("a clean pass replaced the error")
        .isEqualTo("VerifyingRecovery");
  }
}
