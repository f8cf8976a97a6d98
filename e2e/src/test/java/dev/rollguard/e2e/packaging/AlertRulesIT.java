package dev.rollguard.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rollguard.testing.CommandResult;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart's PrometheusRule, checked and unit-tested by Prometheus' own promtool: each alert fires
 * on the series the operator really exports, when it should and only then.
 */
class AlertRulesIT {

  /**
   * Series as the operator exports them (see OperatorMetrics), one sample a minute:
   *
   * <ul>
   *   <li>shop/checkout: its first rollback at 5m (the counter series appears at 1, as it does when
   *       the operator counts its first rollback), a second one at 20m; from 4m on it holds a
   *       failed revision;
   *   <li>shop/cart: analysing; its guard's value goes away at 6m (inconclusive measurements);
   *   <li>shop/web: analysing with values throughout: never alerts;
   *   <li>the operator's scrape target is up until 10m, down after.
   * </ul>
   *
   * Then two replicas of which one is down (no alert: one is enough), and a target that disappears
   * altogether (the alert fires).
   */
  private static final String UNIT_TESTS =
      """
      rule_files: [rules.yaml]
      evaluation_interval: 1m
      tests:
        - interval: 1m
          input_series:
            - series: 'rollguard_rollbacks_total{namespace="shop",rollout="checkout",guard="db",mode="Automatic",pod="rollguard-0"}'
              values: '_x5 1x14 2x9'
            - series: 'rollguard_rollout_phase{namespace="shop",rollout="checkout",phase="Holding",pod="rollguard-0"}'
              values: '0x3 1x26'
            - series: 'rollguard_rollout_phase{namespace="shop",rollout="cart",phase="Analysing",pod="rollguard-0"}'
              values: '1x30'
            - series: 'rollguard_guard_value{namespace="shop",rollout="cart",guard="db",pod="rollguard-0"}'
              values: '40x5 stale'
            - series: 'rollguard_rollout_phase{namespace="shop",rollout="web",phase="Analysing",pod="rollguard-0"}'
              values: '1x30'
            - series: 'rollguard_guard_value{namespace="shop",rollout="web",guard="db",pod="rollguard-0"}'
              values: '40x30'
            - series: 'up{job="rollguard-metrics",namespace="rollguard-system",pod="rollguard-0"}'
              values: '1x10 0x20'
          alert_rule_test:
            - {eval_time: 4m, alertname: RollguardRollback, exp_alerts: []}
            - eval_time: 5m
              alertname: RollguardRollback
              exp_alerts: &rollback
                - exp_labels: {severity: warning, namespace: shop, rollout: checkout, guard: db, mode: Automatic}
                  exp_annotations:
                    summary: Rollout shop/checkout rolled back a revision
                    description: >-
                      Guard db of Rollout shop/checkout was breached and its revision was rolled back
                      (mode Automatic; DryRun only reports). See kubectl describe rollout checkout -n shop.
            - {eval_time: 14m, alertname: RollguardRollback, exp_alerts: *rollback}
            - {eval_time: 15m, alertname: RollguardRollback, exp_alerts: []}
            - {eval_time: 20m, alertname: RollguardRollback, exp_alerts: *rollback}
            - {eval_time: 8m, alertname: RollguardRevisionHeld, exp_alerts: []}
            - eval_time: 9m
              alertname: RollguardRevisionHeld
              exp_alerts:
                - exp_labels: {severity: warning, namespace: shop, rollout: checkout}
                  exp_annotations:
                    summary: Rollout shop/checkout holds back a failed revision
                    description: >-
                      A revision that failed its guards was applied again to the Deployment guarded by
                      shop/checkout; the Deployment is paused. Commit a new revision, revert to the
                      stable one, or annotate the Rollout with rollguard.dev/retry=true.
            - {eval_time: 10m, alertname: RollguardMetricsUnavailable, exp_alerts: []}
            - eval_time: 11m
              alertname: RollguardMetricsUnavailable
              exp_alerts:
                - exp_labels: {severity: warning, namespace: shop, rollout: cart}
                  exp_annotations:
                    summary: Rollout shop/cart has no guard metrics
                    description: >-
                      Rollout shop/cart is analysing a revision but none of its guards returned a value;
                      it can neither promote nor roll back. See its MetricsAvailable condition.
            - {eval_time: 15m, alertname: RollguardOperatorDown, exp_alerts: []}
            - eval_time: 16m
              alertname: RollguardOperatorDown
              exp_alerts:
                - exp_labels: {severity: critical, job: rollguard-metrics, namespace: rollguard-system}
                  exp_annotations:
                    summary: Rollguard operator is down
                    description: >-
                      No Rollguard operator pod in namespace rollguard-system has been scraped
                      successfully for 5m: deploys are not guarded.
        - interval: 1m
          input_series:
            - series: 'up{job="rollguard-metrics",namespace="rollguard-system",pod="rollguard-0"}'
              values: '1x30'
            - series: 'up{job="rollguard-metrics",namespace="rollguard-system",pod="rollguard-1"}'
              values: '0x30'
          alert_rule_test:
            - {eval_time: 20m, alertname: RollguardOperatorDown, exp_alerts: []}
        - interval: 1m
          input_series:
            - series: 'up{job="rollguard-metrics",namespace="rollguard-system",pod="rollguard-0"}'
              values: '1x5 stale'
          alert_rule_test:
            - {eval_time: 10m, alertname: RollguardOperatorDown, exp_alerts: []}
            - eval_time: 11m
              alertname: RollguardOperatorDown
              exp_alerts:
                - exp_labels: {severity: critical, job: rollguard-metrics, namespace: rollguard-system}
                  exp_annotations:
                    summary: Rollguard operator is down
                    description: >-
                      No Rollguard operator pod in namespace rollguard-system has been scraped
                      successfully for 5m: deploys are not guarded.
      """;

  @Test
  void promtoolAcceptsTheRulesAndEachAlertFiresWhenItShouldAndOnlyThen() throws IOException {
    GenericKubernetesResource rule =
        Rendered.template("prometheusRule.enabled=true").ofKind("PrometheusRule").get(0);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) rule.getAdditionalProperties().get("spec");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> alerts =
        (List<Map<String, Object>>)
            ((List<Map<String, Object>>) spec.get("groups")).get(0).get("rules");
    assertThat(alerts)
        .extracting(a -> a.get("alert"))
        .containsExactly(
            "RollguardRollback",
            "RollguardRevisionHeld",
            "RollguardMetricsUnavailable",
            "RollguardOperatorDown");

    Path dir = Files.createDirectories(Path.of("target/alert-rules").toAbsolutePath());
    Path rules = dir.resolve("rules.yaml");
    new YAMLMapper().writeValue(rules.toFile(), spec);
    Files.writeString(dir.resolve("tests.yaml"), UNIT_TESTS);

    CommandResult check =
        Tools.run(
            List.of(Tools.promtool().toString(), "check", "rules", rules.toString()),
            Map.of(),
            null);
    assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
    assertThat(check.stdout()).contains("SUCCESS: 4 rules found");

    CommandResult test =
        Tools.run(
            List.of(
                Tools.promtool().toString(), "test", "rules", dir.resolve("tests.yaml").toString()),
            Map.of(),
            null);
    assertThat(test.exitCode()).as(test.stdout() + test.stderr()).isZero();
    assertThat(test.stdout()).contains("SUCCESS");
  }
}
