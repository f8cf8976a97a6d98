package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.FailedRevision;
import dev.rollguard.operator.api.HistoryEntry;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.report.ReportCommand;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator against a real cluster (API server, controller-manager, scheduler, kwok nodes) and a
 * real Prometheus scraping an exporter the test controls: the scenarios a user would recognise.
 * Each scenario has its own namespace and its own metric series.
 */
@LocalPlatform(cluster = true, prometheus = true)
class GuardedDeployScenariosIT {

  private static final String[] NAMESPACES = {
    "promote", "breach", "increase", "metrics-down", "dry-run", "after-promotion"
  };
  private static TestExporter exporter;
  private static RollguardOperator operator;

  @BeforeAll
  static void startOperator(Platform platform) {
    exporter = TestExporter.start();
    platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
    CrdFiles.install(platform);
    operator = new RollguardOperator(ScenarioSupport.options(platform, NAMESPACES));
    operator.start();
  }

  @AfterAll
  static void stopOperator() {
    if (operator != null) {
      operator.close();
    }
    if (exporter != null) {
      exporter.close();
    }
  }

  private static String series(String scenario) {
    return "db_connections{scenario=\"" + scenario + "\"}";
  }

  private static String maxGuard(String scenario) {
    return "- {name: db-connections, query: 'sum(db_connections{scenario=\""
        + scenario
        + "\"})', max: 150}";
  }

  /**
   * The Deployment runs v1, guarded and adopted as stable, and Prometheus already has the
   * scenario's series (as it would have for a service that has been running for a while).
   */
  private static ScenarioSupport adopted(
      Platform platform, String namespace, String guards, String extra) {
    ScenarioSupport s = new ScenarioSupport(platform, namespace);
    // A few seconds of history, so that "just before the deploy" has data.
    s.awaitPrometheusAtLeast(
        "count_over_time(db_connections{scenario=\"" + namespace + "\"}[1m])", 3);
    s.createNamespace();
    s.deploy("shop/web:1");
    s.awaitRunning("shop/web:1");
    s.guard(guards, extra);
    s.awaitPhase(Phase.Healthy);
    assertThat(s.status().stableRevision.images).containsExactly("shop/web:1");
    return s;
  }

  @Test
  void aHealthyDeployIsPromotedAfterTheBakeTime(Platform platform) {
    exporter.set(series("promote"), 40);
    ScenarioSupport s = adopted(platform, "promote", maxGuard("promote"), "");

    s.deploy("shop/web:2");
    s.awaitPhase(Phase.Analysing);
    s.awaitPhase(Phase.Healthy);

    RolloutStatus status = s.status();
    assertThat(status.stableRevision.images).containsExactly("shop/web:2");
    assertThat(status.failedRevisions).isEmpty();
    assertThat(status.analysis.guards)
        .singleElement()
        .satisfies(g -> assertThat(g.value).isEqualTo(40.0));
    assertThat(status.history)
        .extracting(h -> h.type)
        .contains(HistoryEntry.Type.Adopted, HistoryEntry.Type.Deployed, HistoryEntry.Type.Promoted)
        .doesNotContain(HistoryEntry.Type.RolledBack);
    assertThat(s.image()).isEqualTo("shop/web:2");
    assertThat(s.condition("Ready").orElseThrow().getStatus()).isEqualTo("True");
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(() -> s.eventReasons("Rollout").contains("Promoted"));
    assertThat(
            ScenarioSupport.operatorMetric(
                operator.metricsPort(), "rollguard_promotions_total", "namespace=\"promote\""))
        .hasValue(1);
  }

  @Test
  void aDeployWhoseConnectionsExceedMaxIsRolledBackToTheStableImage(Platform platform) {
    exporter.set(series("breach"), 40);
    ScenarioSupport s = adopted(platform, "breach", maxGuard("breach"), "");

    s.deploy("shop/web:2");
    s.awaitPhase(Phase.Analysing);
    exporter.set(series("breach"), 180);
    s.awaitPhase(Phase.RolledBack);

    s.awaitRunning("shop/web:1");
    RolloutStatus status = s.status();
    FailedRevision failed = status.failedRevisions.get(0);
    assertThat(failed.images).containsExactly("shop/web:2");
    assertThat(failed.guard).isEqualTo("db-connections");
    assertThat(failed.value).isEqualTo(180.0);
    assertThat(failed.threshold).isEqualTo("<= 150");
    assertThat(status.message).contains("rolled back").contains("db-connections = 180 > max 150");
    assertThat(s.condition("RolledBack").orElseThrow().getReason()).isEqualTo("GuardBreached");
    assertThat(s.deployment().getMetadata().getAnnotations().get("kubernetes.io/change-cause"))
        .startsWith("rollguard: rolled back to");
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(s.eventReasons("Rollout")).contains("GuardBreached", "RolledBack");
              assertThat(s.eventReasons("Deployment")).contains("RolledBack");
            });
    assertThat(
            ScenarioSupport.operatorMetric(
                operator.metricsPort(), "rollguard_rollbacks_total", "namespace=\"breach\""))
        .hasValue(1);

    exporter.set(series("breach"), 45);
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(() -> s.condition("Recovered").map(c -> "True".equals(c.getStatus())).orElse(false));
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(() -> s.eventReasons("Rollout").contains("Recovered"));

    // The incident record, as a user prints it with the report command.
    var out = new java.io.ByteArrayOutputStream();
    int exit =
        ReportCommand.run(
            List.of("breach/web", "--kubeconfig", platform.kubeconfig().toString()),
            new java.io.PrintStream(out, true),
            System.err);
    String report = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(exit).isZero();
    assertThat(report)
        .startsWith("# Incident: breach/web rolled back " + failed.hash)
        .contains("| Failed revision | " + failed.hash + " (shop/web:2) |")
        .contains("| Why | GuardBreached: guard db-connections = 180, bounds <= 150 |")
        .containsPattern(
            "\\| Detected and rolled back \\| [0-9]+(s|m|m[0-9]{2}s) after the deploy \\|")
        .contains("| Deployed | " + failed.hash)
        .contains(
            "| Breached | " + failed.hash + " | db-connections = 180 > max 150 (breach 1 of 2) |")
        .contains("| RolledBack | " + failed.hash)
        .contains("| Recovered |")
        .contains("| Warning | RolledBack |");
  }

  @Test
  void anIncreaseOverTheBaselineRollsBackWhereTheSameValueBeforeTheDeployDidNot(Platform platform) {
    String guard =
        "- {name: db-connections, query: 'sum(db_connections{scenario=\"increase\"})', maxIncrease: \"20%\"}";
    exporter.set(series("increase"), 130);
    ScenarioSupport s = adopted(platform, "increase", guard, "");

    // 130 before the deploy is the baseline: 130 after it is no increase.
    s.deploy("shop/web:2");
    s.awaitPhase(Phase.Analysing);
    s.awaitPhase(Phase.Healthy);
    assertThat(s.status().stableRevision.images).containsExactly("shop/web:2");

    exporter.set(series("increase"), 100);
    // 100 for a few seconds already: the baseline "just before the deploy" is 100, not 130.
    s.awaitPrometheus("max_over_time(db_connections{scenario=\"increase\"}[3s])", 100);
    s.deploy("shop/web:3");
    s.awaitPhase(Phase.Analysing);
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(() -> s.status().analysis.guards.get(0).baseline != null);
    assertThat(s.status().analysis.guards.get(0).baseline).isEqualTo(100.0);
    exporter.set(series("increase"), 130);
    s.awaitPhase(Phase.RolledBack);

    s.awaitRunning("shop/web:2");
    FailedRevision failed = s.status().failedRevisions.get(0);
    assertThat(failed.images).containsExactly("shop/web:3");
    assertThat(failed.value).isEqualTo(130.0);
    assertThat(failed.threshold).isEqualTo("<= 120 (baseline 100 + 20%)");
  }

  @Test
  void prometheusDownDuringAnalysisRollsNothingBackAndTheAnalysisCompletesWhenItReturns(
      Platform platform) {
    exporter.set(series("metrics-down"), 40);
    ScenarioSupport s = adopted(platform, "metrics-down", maxGuard("metrics-down"), "");

    s.deploy("shop/web:2");
    s.awaitPhase(Phase.Analysing);
    await().atMost(ScenarioSupport.TIMEOUT).until(() -> s.status().analysis.lastMeasuredAt != null);
    platform.stopComponent("prometheus");
    try {
      await()
          .atMost(ScenarioSupport.TIMEOUT)
          .until(
              () ->
                  s.condition("MetricsAvailable")
                      .map(
                          c ->
                              "False".equals(c.getStatus())
                                  && c.getMessage().contains("unreachable"))
                      .orElse(false));
      // Well past the bake time, still analysing: missing data is neither a failure nor a pass.
      await()
          .during(Duration.ofSeconds(15))
          .atMost(Duration.ofSeconds(25))
          .until(
              () -> {
                RolloutStatus status = s.status();
                return status.phase == Phase.Analysing && status.failedRevisions.isEmpty();
              });
      assertThat(s.image()).isEqualTo("shop/web:2");
    } finally {
      platform.startComponent("prometheus");
    }
    s.awaitPhase(Phase.Healthy);
    assertThat(s.status().stableRevision.images).containsExactly("shop/web:2");
    assertThat(s.condition("MetricsAvailable").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(s.eventReasons("Rollout")).doesNotContain("RolledBack");
  }

  @Test
  void dryRunLeavesTheDeploymentUntouchedAndSaysWhatItWouldHaveDone(Platform platform) {
    exporter.set(series("dry-run"), 40);
    ScenarioSupport s =
        adopted(platform, "dry-run", maxGuard("dry-run"), "rollback: {mode: DryRun}");

    s.deploy("shop/web:2");
    s.awaitPhase(Phase.Analysing);
    long generation = s.deployment().getMetadata().getGeneration();
    exporter.set(series("dry-run"), 200);
    s.awaitPhase(Phase.RolledBack);

    assertThat(s.status().message)
        .startsWith("DryRun: would have rolled back")
        .contains("shop/web:2")
        .contains("shop/web:1")
        .contains("db-connections = 200 > max 150");
    assertThat(s.image()).isEqualTo("shop/web:2");
    assertThat(s.deployment().getMetadata().getGeneration()).isEqualTo(generation);
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(() -> s.eventReasons("Rollout").contains("DryRunRollback"));
    assertThat(
            ScenarioSupport.operatorMetric(
                operator.metricsPort(), "rollguard_rollbacks_total", "namespace=\"dry-run\""))
        .hasValue(1);
  }

  @Test
  void aBreachInsideThePostPromotionWindowRollsBackToThePreviousStableImage(Platform platform) {
    exporter.set(series("after-promotion"), 40);
    ScenarioSupport s = adopted(platform, "after-promotion", maxGuard("after-promotion"), "");
    platform
        .kubectl(
            "patch",
            "rollout",
            "web",
            "-n",
            "after-promotion",
            "--type=merge",
            "-p",
            "{\"spec\":{\"analysis\":{\"postPromotionWindow\":\"5m\"}}}")
        .orThrow();

    s.deploy("shop/web:2");
    s.awaitPhase(Phase.Analysing);
    s.awaitPhase(Phase.Healthy);
    assertThat(s.status().stableRevision.images).containsExactly("shop/web:2");
    assertThat(s.status().previousStableRevision.images).containsExactly("shop/web:1");

    exporter.set(series("after-promotion"), 190);
    s.awaitPhase(Phase.RolledBack);
    s.awaitRunning("shop/web:1");
    assertThat(s.status().stableRevision.images).containsExactly("shop/web:1");
    assertThat(s.status().failedRevisions.get(0).images).containsExactly("shop/web:2");
    assertThat(s.status().message).contains("db-connections = 190 > max 150");
  }
}
