package dev.rollguard.e2e.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.e2e.packaging.HelmInstall;
import dev.rollguard.e2e.packaging.ServiceAccountIdentity;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The incident Rollguard exists for, end to end: the operator as its own process, installed with
 * the Helm chart and running with only the chart's ServiceAccount rights; the demo service as real
 * processes with a HikariCP pool against PostgreSQL, following the Deployment; postgres_exporter
 * and Prometheus. Each scenario runs in its own namespace and database.
 */
@LocalPlatform(cluster = true, prometheus = true, postgres = true, maxConnections = 200)
class IncidentReplayIT {

  private static final String[] NAMESPACES = {
    "leak", "errors", "healthy", "metrics-down", "resync"
  };
  private static ReplayOperator operator;
  private static ServiceAccountIdentity identity;
  private static Map<String, String> chartEnvironment;

  /**
   * Installed as platform teams do, with the chart; the operator runs with the chart's RBAC only.
   */
  @BeforeAll
  static void start(Platform platform) {
    HelmInstall install =
        HelmInstall.install(
            platform,
            "rollguard",
            "rollguard-system",
            "operator.prometheusUrl=" + platform.prometheusUrl());
    identity = install.serviceAccount();
    chartEnvironment = install.operatorEnvironment();
    operator =
        new ReplayOperator(platform, "operator", identity.kubeconfig, chartEnvironment, NAMESPACES);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (operator != null) {
      operator.close();
    }
  }

  @Test
  void aReleaseThatLeaksConnectionsIsRolledBackAndTheDatabaseRecovers(Platform platform) {
    try (ReplayWorld w = new ReplayWorld(platform, "leak")) {
      w.start("shop/checkout:1.4.1");
      double baseline = w.value(w.connections);
      w.guard();

      w.deploy("shop/checkout:1.4.2-leak");
      await()
          .atMost(ReplayWorld.TIMEOUT)
          .until(() -> w.service().runningImages().contains("shop/checkout:1.4.2-leak"));
      w.awaitPhase("RolledBack");

      assertThat(w.image()).isEqualTo("shop/checkout:1.4.1");
      assertThat(w.field("{.status.failedRevisions[0].images[0]}"))
          .isEqualTo("shop/checkout:1.4.2-leak");
      await()
          .atMost(ReplayWorld.TIMEOUT)
          .until(
              () ->
                  w.service()
                      .runningImages()
                      .equals(List.of("shop/checkout:1.4.1", "shop/checkout:1.4.1")));
      await().atMost(ReplayWorld.TIMEOUT).until(() -> w.value(w.connections) <= baseline + 5);
      await().atMost(ReplayWorld.TIMEOUT).until(() -> w.eventReasons().contains("Recovered"));
      assertThat(w.eventReasons()).contains("Deployed", "GuardBreached", "RolledBack");
      assertThat(
              ReplayWorld.operatorMetric(operator.metricsPort, "rollguard_rollbacks_total", "leak"))
          .hasValue(1);
    }
  }

  @Test
  void anErrorRateRegressionIsRolledBack(Platform platform) {
    try (ReplayWorld w = new ReplayWorld(platform, "errors")) {
      w.start("shop/checkout:1.4.1");
      w.guard();

      w.deploy("shop/checkout:1.4.3-errors");
      w.awaitPhase("RolledBack");

      assertThat(w.image()).isEqualTo("shop/checkout:1.4.1");
      assertThat(w.field("{.status.failedRevisions[0].guard}")).isEqualTo("error-rate");
      assertThat(w.field("{.status.message}")).contains("error-rate = 0.").contains("> max 0.05");
      assertThat(w.eventReasons()).contains("GuardBreached", "RolledBack");
      assertThat(
              ReplayWorld.operatorMetric(
                  operator.metricsPort, "rollguard_rollbacks_total", "errors"))
          .hasValue(1);
    }
  }

  @Test
  void aHealthyReleaseIsPromotedAfterTheBakeAndNeverRolledBack(Platform platform) {
    try (ReplayWorld w = new ReplayWorld(platform, "healthy")) {
      w.start("shop/checkout:1.4.1");
      w.guard();

      w.deploy("shop/checkout:1.5.0");
      w.awaitPhase("Analysing");
      w.awaitPhase("Healthy");

      assertThat(w.field("{.status.stableRevision.images[0]}")).isEqualTo("shop/checkout:1.5.0");
      assertThat(w.image()).isEqualTo("shop/checkout:1.5.0");
      assertThat(w.field("{.status.failedRevisions[*].hash}")).isEmpty();
      await().atMost(ReplayWorld.TIMEOUT).until(() -> w.eventReasons().contains("Promoted"));
      assertThat(w.eventReasons()).doesNotContain("RolledBack", "GuardBreached");
      assertThat(
              ReplayWorld.operatorMetric(
                  operator.metricsPort, "rollguard_promotions_total", "healthy"))
          .hasValue(1);
    }
  }

  @Test
  void prometheusStoppedMidAnalysisRollsNothingBackAndTheAnalysisCompletesAfterItsRestart(
      Platform platform) {
    try (ReplayWorld w = new ReplayWorld(platform, "metrics-down")) {
      w.start("shop/checkout:1.4.1");
      w.guard();

      w.deploy("shop/checkout:1.5.0");
      w.awaitPhase("Analysing");
      await()
          .atMost(ReplayWorld.TIMEOUT)
          .until(() -> !w.field("{.status.analysis.lastMeasuredAt}").isEmpty());
      platform.stopComponent("prometheus");
      try {
        await()
            .atMost(ReplayWorld.TIMEOUT)
            .until(
                () ->
                    "False"
                            .equals(
                                w.field(
                                    "{.status.conditions[?(@.type==\"MetricsAvailable\")].status}"))
                        && w.field("{.status.conditions[?(@.type==\"MetricsAvailable\")].message}")
                            .contains("unreachable"));
        // Past the bake time with no data: still analysing, nothing rolled back.
        await()
            .during(Duration.ofSeconds(35))
            .atMost(Duration.ofSeconds(50))
            .until(() -> "Analysing".equals(w.phase()) && "shop/checkout:1.5.0".equals(w.image()));
      } finally {
        platform.startComponent("prometheus");
      }
      w.awaitPhase("Healthy");
      assertThat(w.field("{.status.stableRevision.images[0]}")).isEqualTo("shop/checkout:1.5.0");
      assertThat(w.eventReasons()).doesNotContain("RolledBack");
      assertThat(
              ReplayWorld.operatorMetric(
                  operator.metricsPort, "rollguard_rollbacks_total", "metrics-down"))
          .isEmpty();
      assertThat(
              ReplayWorld.operatorMetric(
                  operator.metricsPort, "rollguard_promotions_total", "metrics-down"))
          .hasValue(1);
    }
  }

  @Test
  void aGitOpsResyncOfTheFailedVersionIsHeldWithNoReadyPodOfIt(Platform platform) {
    try (ReplayWorld w = new ReplayWorld(platform, "resync")) {
      w.start("shop/checkout:1.4.1");
      w.guard();
      w.deploy("shop/checkout:1.4.2-leak");
      w.awaitPhase("RolledBack");
      await()
          .atMost(ReplayWorld.TIMEOUT)
          .until(
              () ->
                  "true"
                      .equals(
                          platform
                              .kubectl(
                                  "get",
                                  "deployment",
                                  "checkout",
                                  "-n",
                                  "resync",
                                  "-o",
                                  "jsonpath={.spec.paused}")
                              .stdout()));

      // The GitOps controller syncs the failed version from Git again.
      w.deploy("shop/checkout:1.4.2-leak");
      w.awaitPhase("Holding");
      await()
          .during(Duration.ofSeconds(10))
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  w.service()
                          .runningImages()
                          .equals(List.of("shop/checkout:1.4.1", "shop/checkout:1.4.1"))
                      && "Holding".equals(w.phase()));
      assertThat(w.events().stream().filter(e -> "Held".equals(e.getReason()))).hasSize(1);
      assertThat(w.image())
          .as("the Deployment carries the re-synced template, paused")
          .isEqualTo("shop/checkout:1.4.2-leak");
      assertThat(
              ReplayWorld.operatorMetric(
                  operator.metricsPort, "rollguard_rollbacks_total", "resync"))
          .hasValue(1);
    }
  }

  /** Its own operator, killed with SIGKILL in the middle of an analysis. */
  @Test
  void anOperatorKilledMidAnalysisIsRestartedAndRollsBackExactlyOnce(Platform platform)
      throws Exception {
    try (ReplayWorld w = new ReplayWorld(platform, "killed")) {
      ReplayOperator first =
          new ReplayOperator(
              platform, "operator-killed", identity.kubeconfig, chartEnvironment, "killed");
      w.start("shop/checkout:1.4.1");
      w.guard();
      w.deploy("shop/checkout:1.4.2-leak");
      w.awaitPhase("Analysing");
      await()
          .atMost(ReplayWorld.TIMEOUT)
          .until(() -> !w.field("{.status.analysis.lastMeasuredAt}").isEmpty());
      first.kill();

      try (ReplayOperator second =
          new ReplayOperator(
              platform, "operator-killed", identity.kubeconfig, chartEnvironment, "killed")) {
        w.awaitPhase("RolledBack");
        assertThat(w.image()).isEqualTo("shop/checkout:1.4.1");
        await().atMost(ReplayWorld.TIMEOUT).until(() -> w.eventReasons().contains("RolledBack"));
        assertThat(w.eventReasons().stream().filter("RolledBack"::equals)).hasSize(1);
        assertThat(w.field("{.status.failedRevisions[*].hash}").split(" ")).hasSize(1);
        assertThat(
                platform
                    .kubectl(
                        "get",
                        "replicasets",
                        "-n",
                        "killed",
                        "-o",
                        "jsonpath={.items[*].metadata.annotations.deployment\\.kubernetes\\.io/revision}")
                    .orThrow()
                    .stdout()
                    .split(" "))
            .containsExactlyInAnyOrder("2", "3");
        assertThat(
                ReplayWorld.operatorMetric(
                    second.metricsPort, "rollguard_rollbacks_total", "killed"))
            .hasValue(1);
      }
    }
  }
}
