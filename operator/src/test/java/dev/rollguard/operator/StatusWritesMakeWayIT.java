package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.decide.Change;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Routine status writes make way for another Rollout's rollback in flight, for a few seconds at
 * most: while one Rollout's restore is held up, another Rollout's deploy is recorded only once its
 * hold ends, and a rollback's own writes are never held.
 */
@LocalPlatform(cluster = true, prometheus = true)
class StatusWritesMakeWayIT {

  @Test
  void anotherRolloutsStatusWaitsForARollbackInFlightForAFewSecondsAtMost(Platform platform)
      throws InterruptedException {
    try (TestExporter exporter = TestExporter.start()) {
      platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
      CrdFiles.install(platform);
      exporter.set("db_connections{scenario=\"rolling-back\"}", 40);
      exporter.set("db_connections{scenario=\"deploying\"}", 40);
      ScenarioSupport rollingBack = new ScenarioSupport(platform, "rolling-back");
      ScenarioSupport deploying = new ScenarioSupport(platform, "deploying");
      rollingBack.awaitPrometheusAtLeast(
          "count_over_time(db_connections{scenario=\"deploying\"}[1m])", 3);
      for (ScenarioSupport s : new ScenarioSupport[] {rollingBack, deploying}) {
        s.createNamespace();
        s.deploy("shop/web:1");
        s.awaitRunning("shop/web:1");
      }

      // The restore of the rollback waits until the test lets it go: the rollback stays in flight.
      CountDownLatch restore = new CountDownLatch(1);
      try (RollguardOperator operator =
          new RollguardOperator(
              ScenarioSupport.options(platform, "rolling-back", "deploying"),
              OperatorHooks.beforeChange(
                  change -> {
                    if (change instanceof Change.RestoreTemplate) {
                      awaitQuietly(restore);
                    }
                  }))) {
        operator.start();
        for (ScenarioSupport s : new ScenarioSupport[] {rollingBack, deploying}) {
          s.guard(
              "- {name: db, query: 'sum(db_connections{scenario=\"%s\"})', max: 150}"
                  .formatted(s.namespace),
              "");
          s.awaitPhase(Phase.Healthy);
        }

        rollingBack.deploy("shop/web:2");
        rollingBack.awaitPhase(Phase.Analysing);
        exporter.set("db_connections{scenario=\"rolling-back\"}", 200);
        rollingBack.awaitPhase(Phase.RollingBack);

        deploying.deploy("shop/web:2");
        await()
            .during(Duration.ofSeconds(2))
            .atMost(Duration.ofSeconds(4))
            .until(() -> deploying.status().phase == Phase.Healthy);
        // Held for a few seconds at most, even though the rollback is still in flight.
        deploying.awaitPhase(Phase.Analysing);
        assertThat(rollingBack.status().phase).isEqualTo(Phase.RollingBack);
        assertThat(restore.getCount()).isOne();
        assertThat(
                ScenarioSupport.operatorMetric(
                        operator.metricsPort(),
                        "rollguard_reconcile_step_seconds_count",
                        "step=\"status_held\"")
                    .orElse(0))
            .isPositive();

        restore.countDown();
        rollingBack.awaitPhase(Phase.RolledBack);
        rollingBack.awaitRunning("shop/web:1");
        assertThat(rollingBack.status().failedRevisions).hasSize(1);
      } finally {
        restore.countDown();
      }
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(2, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
