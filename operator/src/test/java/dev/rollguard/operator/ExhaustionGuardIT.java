package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.FailedRevision;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import dev.rollguard.testing.TestExporter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The leak guard through a real Prometheus: a connection count that climbs steadily is rolled back
 * before it reaches the limit, earlier than a max guard could; a flat, noisy one never is.
 */
@LocalPlatform(cluster = true, prometheus = true)
class ExhaustionGuardIT {

  private static TestExporter exporter;
  private static RollguardOperator operator;
  private static ScheduledExecutorService service;

  @BeforeAll
  static void start(Platform platform) {
    exporter = TestExporter.start();
    platform.addScrapeTarget("app", exporter.address(), Map.of("job", "app"));
    CrdFiles.install(platform);
    operator = new RollguardOperator(ScenarioSupport.options(platform, "leak", "steady"));
    operator.start();
    service = Executors.newScheduledThreadPool(1);
  }

  @AfterAll
  static void stop() {
    service.shutdownNow();
    operator.close();
    exporter.close();
  }

  private static String series(String scenario) {
    return "pool_active{scenario=\"" + scenario + "\"}";
  }

  private static String leakGuard(String scenario) {
    return "- {name: pool, query: 'sum("
        + series(scenario)
        + ")', exhaustion: {limit: 150, within: 2m, window: 30s}}";
  }

  private static ScenarioSupport adopted(Platform platform, String scenario, double value) {
    exporter.set(series(scenario), value);
    ScenarioSupport s = new ScenarioSupport(platform, scenario);
    s.awaitPrometheusAtLeast("count_over_time(" + series(scenario) + "[1m])", 3);
    s.createNamespace();
    s.deploy("shop/pool:1");
    s.awaitRunning("shop/pool:1");
    s.guard(leakGuard(scenario), "");
    s.awaitPhase(Phase.Healthy);
    return s;
  }

  @Test
  void aSteadyClimbIsRolledBackBeforeItReachesTheLimitAndBeforeAMaxGuardWould(Platform platform) {
    ScenarioSupport s = adopted(platform, "leak", 20);
    s.deploy("shop/pool:2");
    s.awaitPhase(Phase.Analysing);
    // The new version leaks: +2 connections a second; 150 (a max guard's bound) would be crossed at
    // +65 s.
    Instant leakStart = Instant.now();
    var leak =
        service.scheduleAtFixedRate(
            () ->
                exporter.set(
                    series("leak"),
                    20 + 2.0 * Duration.between(leakStart, Instant.now()).toMillis() / 1000),
            0,
            250,
            TimeUnit.MILLISECONDS);
    try {
      s.awaitPhase(Phase.RolledBack);
    } finally {
      leak.cancel(false);
      exporter.set(series("leak"), 20);
    }
    Instant crossesMax = leakStart.plusSeconds(65);
    FailedRevision failed = s.status().failedRevisions.get(0);
    Instant rolledBack = failed.failedAt;
    assertThat(rolledBack).as("rolled back before the climb reached 150").isBefore(crossesMax);
    assertThat(failed.value).isLessThan(150.0);
    assertThat(s.status().message)
        .containsPattern(
            "pool rising [0-9.]+/min, projected to reach 150 in [0-9]+(s|m|m[0-9]{2}s)");
    s.awaitRunning("shop/pool:1");
  }

  @Test
  void aFlatNoisySeriesIsPromotedAndNeverRolledBack(Platform platform) {
    ScenarioSupport s = adopted(platform, "steady", 100);
    Random random = new Random(11);
    var noise =
        service.scheduleAtFixedRate(
            () -> exporter.set(series("steady"), 100 + random.nextGaussian() * 8),
            0,
            250,
            TimeUnit.MILLISECONDS);
    try {
      s.deploy("shop/pool:2");
      s.awaitPhase(Phase.Analysing);
      s.awaitPhase(Phase.Healthy);
    } finally {
      noise.cancel(false);
    }
    assertThat(s.status().stableRevision.images).containsExactly("shop/pool:2");
    assertThat(s.status().failedRevisions).isEmpty();
    assertThat(s.status().analysis.guards.get(0).threshold)
        .startsWith("not projected to reach 150 within 2m");
    await()
        .atMost(ScenarioSupport.TIMEOUT)
        .until(() -> s.eventReasons("Rollout").contains("Promoted"));
    assertThat(s.eventReasons("Rollout")).doesNotContain("GuardBreached", "RolledBack");
  }
}
