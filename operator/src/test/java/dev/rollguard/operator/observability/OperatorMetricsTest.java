package dev.rollguard.operator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.RollbackSpec.Mode;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OperatorMetricsTest {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final OperatorMetrics metrics = new OperatorMetrics(registry);

  @Test
  void rollbacksAreCountedPerGuardAndMode() throws IOException {
    metrics.rollbackPerformed("shop", "api", "db-sessions", Mode.Automatic, Duration.ofSeconds(42));
    metrics.rollbackPerformed("shop", "api", "db-sessions", Mode.Automatic, Duration.ofSeconds(7));
    metrics.rollbackPerformed("shop", "web", "errors", Mode.DryRun, null);

    assertThat(scrape())
        .contains(
            "rollguard_rollbacks_total{guard=\"db-sessions\",mode=\"Automatic\",namespace=\"shop\",rollout=\"api\"} 2.0",
            "rollguard_rollbacks_total{guard=\"errors\",mode=\"DryRun\",namespace=\"shop\",rollout=\"web\"} 1.0",
            // only the two rollbacks with a known deploy time are observed
            "rollguard_detection_seconds_count 2",
            "rollguard_detection_seconds_sum 49.0",
            "rollguard_detection_seconds_bucket{le=\"5.0\"} 0",
            "rollguard_detection_seconds_bucket{le=\"10.0\"} 1",
            "rollguard_detection_seconds_bucket{le=\"45.0\"} 2",
            "rollguard_detection_seconds_bucket{le=\"1800.0\"} 2");
  }

  @Test
  void measurementLatenessIsObservedInSeconds() throws IOException {
    metrics.measurementStarted(Duration.ofMillis(3));
    metrics.measurementStarted(Duration.ofMillis(1800));
    // a round that started early (clock resolution, skew) counts as on time, not negative
    metrics.measurementStarted(Duration.ofMillis(-2));

    assertThat(scrape())
        .contains(
            "rollguard_measurement_delay_seconds_count 3",
            "rollguard_measurement_delay_seconds_bucket{le=\"0.001\"} 1",
            "rollguard_measurement_delay_seconds_bucket{le=\"0.005\"} 2",
            "rollguard_measurement_delay_seconds_bucket{le=\"1.0\"} 2",
            "rollguard_measurement_delay_seconds_bucket{le=\"2.5\"} 3");
  }

  @Test
  void kubernetesRequestsAreCountedByVerb() throws IOException {
    metrics.kubernetesRequest("get");
    metrics.kubernetesRequest("get");
    metrics.kubernetesRequest("watch");

    assertThat(scrape())
        .contains(
            "rollguard_kubernetes_requests_total{verb=\"get\"} 2.0",
            "rollguard_kubernetes_requests_total{verb=\"watch\"} 1.0");
  }

  @Test
  void promotionsAreCounted() throws IOException {
    metrics.promoted("shop", "api");
    assertThat(scrape())
        .contains("rollguard_promotions_total{namespace=\"shop\",rollout=\"api\"} 1.0");
  }

  @Test
  void guardValueIsSetAndNaNRemovesIt() throws IOException {
    metrics.guardValue("shop", "api", "db-sessions", 12.5);
    metrics.guardValue("shop", "api", "errors", 0.25);
    assertThat(scrape())
        .contains(
            "rollguard_guard_value{guard=\"db-sessions\",namespace=\"shop\",rollout=\"api\"} 12.5",
            "rollguard_guard_value{guard=\"errors\",namespace=\"shop\",rollout=\"api\"} 0.25");

    metrics.guardValue("shop", "api", "db-sessions", Double.NaN);
    String text = scrape();
    assertThat(text).doesNotContain("db-sessions").doesNotContain("NaN");
    assertThat(text)
        .contains(
            "rollguard_guard_value{guard=\"errors\",namespace=\"shop\",rollout=\"api\"} 0.25");
  }

  @Test
  void nanBeforeAnyValueExportsNothing() throws IOException {
    metrics.guardValue("shop", "api", "db-sessions", Double.NaN);
    assertThat(scrape()).doesNotContain("NaN").doesNotContain("db-sessions");
  }

  @Test
  void phaseGaugeHasExactlyOneOne() throws IOException {
    metrics.phase("shop", "api", Phase.Analysing);
    metrics.phase("shop", "api", Phase.RollingBack);

    List<String> lines = lines("rollguard_rollout_phase{");
    assertThat(lines).hasSize(Phase.values().length);
    assertThat(lines.stream().filter(line -> line.endsWith(" 1.0")))
        .containsExactly(
            "rollguard_rollout_phase{namespace=\"shop\",phase=\"RollingBack\",rollout=\"api\"} 1.0");
    assertThat(lines.stream().filter(line -> line.endsWith(" 0.0")))
        .hasSize(Phase.values().length - 1);
  }

  @Test
  void nullPhaseRemovesThePhaseSeries() throws IOException {
    metrics.phase("shop", "api", Phase.Healthy);
    metrics.phase("shop", "api", null);
    assertThat(lines("rollguard_rollout_phase{")).isEmpty();
  }

  @Test
  void queriesAreTimedByOutcome() throws IOException {
    metrics.queryCompleted(Duration.ofMillis(30), "success");
    metrics.queryCompleted(Duration.ofSeconds(3), "error");
    assertThat(scrape())
        .contains(
            "rollguard_query_duration_seconds_count{outcome=\"success\"} 1",
            "rollguard_query_duration_seconds_bucket{outcome=\"success\",le=\"0.05\"} 1",
            "rollguard_query_duration_seconds_count{outcome=\"error\"} 1",
            "rollguard_query_duration_seconds_bucket{outcome=\"error\",le=\"2.5\"} 0",
            "rollguard_query_duration_seconds_bucket{outcome=\"error\",le=\"5.0\"} 1");
  }

  @Test
  void reconcilesAreCountedAndTimed() throws IOException {
    metrics.reconciled(Duration.ofMillis(20), true);
    metrics.reconciled(Duration.ofMillis(20), true);
    metrics.reconciled(Duration.ofMillis(-5), false);
    assertThat(scrape())
        .contains(
            "rollguard_reconcile_total{outcome=\"success\"} 2.0",
            "rollguard_reconcile_total{outcome=\"error\"} 1.0",
            "rollguard_reconcile_duration_seconds_count 3",
            // a negative duration (clock skew) counts as zero
            "rollguard_reconcile_duration_seconds_bucket{le=\"0.005\"} 1");
  }

  @Test
  void forgetRemovesEverySeriesOfTheRolloutOnly() throws IOException {
    recordEverything("shop", "api");
    recordEverything("shop", "web");
    recordEverything("billing", "api");

    metrics.forget("shop", "api");

    String text = scrape();
    assertThat(text)
        .doesNotContain("namespace=\"shop\",rollout=\"api\"")
        .doesNotContain("namespace=\"shop\",phase=\"Healthy\",rollout=\"api\"");
    assertThat(text)
        .contains(
            "rollguard_promotions_total{namespace=\"shop\",rollout=\"web\"} 1.0",
            "rollguard_promotions_total{namespace=\"billing\",rollout=\"api\"} 1.0",
            "rollguard_guard_value{guard=\"g\",namespace=\"billing\",rollout=\"api\"} 1.0");
    // the operator-wide series are not per Rollout and stay
    assertThat(text).contains("rollguard_detection_seconds_count 3");
    assertThat(lines("rollguard_rollout_phase{")).hasSize(2 * Phase.values().length);
  }

  @Test
  void forgottenRolloutsLeaveNoSeriesBehind() throws IOException {
    for (int i = 0; i < 1000; i++) {
      recordEverything("ns", "rollout-" + i);
      metrics.forget("ns", "rollout-" + i);
    }
    assertThat(
            registry.scrape().stream()
                .filter(
                    snapshot -> !snapshot.getMetadata().getName().startsWith("rollguard_detection"))
                .filter(snapshot -> !snapshot.getMetadata().getName().startsWith("rollguard_query"))
                .filter(
                    snapshot -> !snapshot.getMetadata().getName().startsWith("rollguard_reconcile"))
                .filter(
                    snapshot ->
                        !snapshot.getMetadata().getName().startsWith("rollguard_measurement_delay"))
                .mapToInt(snapshot -> snapshot.getDataPoints().size())
                .sum())
        .isZero();
  }

  @Test
  void jvmMetricsRegister() throws IOException {
    PrometheusRegistry jvm = new PrometheusRegistry();
    OperatorMetrics.registerJvmMetrics(jvm);
    assertThat(scrape(jvm)).contains("jvm_memory_used_bytes", "jvm_threads_current");
  }

  private void recordEverything(String namespace, String rollout) {
    metrics.rollbackPerformed(namespace, rollout, "g", Mode.Automatic, Duration.ofSeconds(30));
    metrics.promoted(namespace, rollout);
    metrics.guardValue(namespace, rollout, "g", 1.0);
    metrics.phase(namespace, rollout, Phase.Healthy);
  }

  private List<String> lines(String prefix) throws IOException {
    return scrape().lines().filter(line -> line.startsWith(prefix)).collect(Collectors.toList());
  }

  private String scrape() throws IOException {
    return scrape(registry);
  }

  private static String scrape(PrometheusRegistry registry) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
    return out.toString(StandardCharsets.UTF_8);
  }
}
