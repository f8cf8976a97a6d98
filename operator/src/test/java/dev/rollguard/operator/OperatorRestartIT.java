package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.decide.Change;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Decision state lives in the Rollout status: an operator stopped right after it decided to roll
 * back (before touching the Deployment) leaves the decision there, and the next operator carries it
 * out exactly once.
 */
@LocalPlatform(cluster = true, prometheus = true)
class OperatorRestartIT {

  @Test
  void anOperatorStoppedAfterDecidingToRollBackIsReplacedByOneThatRollsBackExactlyOnce(
      Platform platform) {
    try (TestExporter exporter = TestExporter.start()) {
      platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
      CrdFiles.install(platform);
      exporter.set("db_connections{scenario=\"restart\"}", 40);
      ScenarioSupport s = new ScenarioSupport(platform, "restart");
      s.awaitPrometheusAtLeast("count_over_time(db_connections{scenario=\"restart\"}[1m])", 3);
      s.createNamespace();
      s.deploy("shop/web:1");
      s.awaitRunning("shop/web:1");

      // The first operator "dies" whenever it is about to restore a template.
      RollguardOperator first =
          new RollguardOperator(
              ScenarioSupport.options(platform, "restart"),
              OperatorHooks.beforeChange(
                  action -> {
                    if (action instanceof Change.RestoreTemplate) {
                      throw new IllegalStateException(
                          "simulated crash between deciding and acting");
                    }
                  }));
      first.start();
      try {
        s.guard("- {name: db, query: 'sum(db_connections{scenario=\"restart\"})', max: 150}", "");
        s.awaitPhase(Phase.Healthy);
        s.deploy("shop/web:2");
        s.awaitPhase(Phase.Analysing);
        exporter.set("db_connections{scenario=\"restart\"}", 200);
        s.awaitPhase(Phase.RollingBack);
        assertThat(s.status().pendingRollback.guard).isEqualTo("db");
      } finally {
        first.close();
      }
      assertThat(s.image()).as("nothing acted on the decision yet").isEqualTo("shop/web:2");

      RollguardOperator second =
          new RollguardOperator(ScenarioSupport.options(platform, "restart"));
      second.start();
      try {
        s.awaitPhase(Phase.RolledBack);
        s.awaitRunning("shop/web:1");
        assertThat(s.status().failedRevisions).hasSize(1);
        assertThat(s.status().pendingRollback).isNull();
        await()
            .atMost(ScenarioSupport.TIMEOUT)
            .until(() -> s.eventReasons("Rollout").contains("RolledBack"));
        assertThat(s.eventReasons("Rollout").stream().filter("RolledBack"::equals)).hasSize(1);
        assertThat(
                ScenarioSupport.operatorMetric(
                    second.metricsPort(), "rollguard_rollbacks_total", "namespace=\"restart\""))
            .hasValue(1);
        // One rollback: web:1's ReplicaSet came back as revision 3, and there is no revision 4.
        List<String> revisions =
            platform.client().apps().replicaSets().inNamespace("restart").list().getItems().stream()
                .map(OperatorRestartIT::revision)
                .sorted()
                .toList();
        assertThat(revisions).containsExactly("2", "3");
      } finally {
        second.close();
      }
    }
  }

  private static String revision(ReplicaSet replicaSet) {
    return replicaSet.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision");
  }
}
