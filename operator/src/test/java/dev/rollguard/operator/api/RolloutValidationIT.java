package dev.rollguard.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.testing.CommandResult;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Invalid Rollouts are refused by the real API server at {@code kubectl apply} time, with a message
 * that names the field, thanks to the schema and CEL rules of the committed CRD.
 */
@LocalPlatform(apiServer = true)
class RolloutValidationIT {

  private static final String VALID_GUARD =
      "{name: db, query: 'sum(pg_stat_activity_count)', max: 150}";

  @BeforeAll
  static void installCrd(Platform platform) {
    CrdFiles.install(platform);
  }

  @Test
  void aCompleteRolloutIsAcceptedAndDefaultsAreFilledIn(Platform platform) {
    String rollout =
        """
        apiVersion: rollguard.dev/v1alpha1
        kind: Rollout
        metadata: {name: checkout, namespace: default}
        spec:
          workloadRef: {apiVersion: apps/v1, kind: Deployment, name: checkout}
          prometheus: {address: "http://prometheus.monitoring.svc:9090", timeout: 5s}
          analysis: {initialDelay: 30s, bakeTime: 10m}
          guards:
          - {name: db-connections, query: 'sum(pg_stat_activity_count{datname="shop"})', max: 150, maxIncrease: "50%"}
          - {name: error-rate, query: 'sum(rate(http_requests_total{code=~"5.."}[1m]))', max: 0.05}
          - {name: throughput, query: 'sum(rate(http_requests_total[1m]))', min: 1, maxIncrease: "+40"}
          - name: canary-connections
            query: 'avg(pg_connections_per_pod{namespace="{{namespace}}", pod_template_hash="{{revision}}"})'
            compare: {baseline: 'avg(pg_connections_per_pod{pod_template_hash="{{stableRevision}}"})', maxIncrease: "30%", maxRatio: 1.5}
          notifications: {targets: [payments-slack, platform-events], when: [RolledBack, NotRecovered]}
        """;
    CommandResult applied = platform.kubectlWithInput(rollout, "apply", "-f", "-");
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();

    String defaults =
        platform
            .kubectl(
                "get",
                "rollout",
                "checkout",
                "-o",
                "jsonpath={.spec.analysis.interval} {.spec.analysis.failureLimit} {.spec.analysis.onInconclusive} "
                    + "{.spec.rollback.mode}{.spec.workloadRef.apiVersion}")
            .orThrow()
            .stdout();
    assertThat(defaults).isEqualTo("15s 2 Hold apps/v1");

    String table = platform.kubectl("get", "rollouts").orThrow().stdout();
    assertThat(table.lines().findFirst().orElseThrow())
        .contains("TARGET")
        .contains("PHASE")
        .contains("CURRENT")
        .contains("STABLE");
    assertThat(platform.kubectl("get", "rg", "checkout", "-o", "name").orThrow().stdout().strip())
        .isEqualTo("rollout.rollguard.dev/checkout");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      missing query        | workloadRef: {kind: Deployment, name: web}; guards: [{name: db, max: 1}]                              | spec.guards[0].query: Required value
      blank query          | workloadRef: {kind: Deployment, name: web}; guards: [{name: db, query: '  ', max: 1}]                 | query must not be blank
      bad duration         | workloadRef: {kind: Deployment, name: web}; analysis: {interval: 15 seconds}; guards: [GUARD]         | spec.analysis.interval: Invalid value: "15 seconds": must be a duration such as 30s, 10m or 1h30m
      min above max        | workloadRef: {kind: Deployment, name: web}; guards: [{name: db, query: up, min: 10, max: 5}]           | spec.guards[0].min: Invalid value: min must not be greater than max
      no guards            | workloadRef: {kind: Deployment, name: web}; guards: []                                                | spec.guards: Invalid value: 0: spec.guards in body should have at least 1 items
      guards missing       | workloadRef: {kind: Deployment, name: web}                                                            | spec.guards: Required value
      guard without bound  | workloadRef: {kind: Deployment, name: web}; guards: [{name: db, query: up}]                           | spec.guards[0]: Invalid value: a guard needs at least one bound: max, min, maxIncrease, exhaustion or compare
      duplicate guard name | workloadRef: {kind: Deployment, name: web}; guards: [GUARD, GUARD]                                    | spec.guards: Invalid value: guard names must be unique
      bad maxIncrease      | workloadRef: {kind: Deployment, name: web}; guards: [{name: db, query: up, maxIncrease: lots}]        | spec.guards[0].maxIncrease: Invalid value: "lots"
      unknown workload     | workloadRef: {kind: StatefulSet, name: web}; guards: [GUARD]                                          | spec.workloadRef.kind: Invalid value: workloadRef must be an apps/v1 Deployment
      missing workload     | guards: [GUARD]                                                                                       | spec.workloadRef: Required value
      bad failureLimit     | workloadRef: {kind: Deployment, name: web}; analysis: {failureLimit: 0}; guards: [GUARD]              | spec.analysis.failureLimit: Invalid value: 0: spec.analysis.failureLimit in body should be greater than or equal to 1
      unknown mode         | workloadRef: {kind: Deployment, name: web}; rollback: {mode: Sometimes}; guards: [GUARD]              | spec.rollback.mode: Unsupported value: "Sometimes"
      bad prometheus url   | workloadRef: {kind: Deployment, name: web}; prometheus: {address: 'prometheus:9090'}; guards: [GUARD] | spec.prometheus.address: Invalid value: "prometheus:9090"
      unknown variable     | workloadRef: {kind: Deployment, name: web}; guards: [{name: db, query: 'sum(x{pod_template_hash="{{revison}}"})', max: 1}] | unknown variable: a query may use {{namespace}}, {{deployment}}, {{rollout}}, {{revision}} and {{stableRevision}}
      unknown in baseline  | workloadRef: {kind: Deployment, name: web}; guards: [{name: db, query: up, compare: {baseline: 'sum(x{app="{{app}}"})', maxRatio: 2}}] | spec.guards[0].compare.baseline: Invalid value
      compare without bound | workloadRef: {kind: Deployment, name: web}; guards: [{name: db, query: up, compare: {baseline: up}}] | spec.guards[0].compare: Invalid value: compare needs maxIncrease or maxRatio
      zero maxRatio        | workloadRef: {kind: Deployment, name: web}; guards: [{name: db, query: up, compare: {baseline: up, maxRatio: 0}}] | maxRatio must be greater than 0
      bad target name      | workloadRef: {kind: Deployment, name: web}; guards: [GUARD]; notifications: {targets: [Payments_Slack]} | spec.notifications.targets[0]: Invalid value: "Payments_Slack"
      duplicate target     | workloadRef: {kind: Deployment, name: web}; guards: [GUARD]; notifications: {targets: [a, a]}      | spec.notifications.targets: Invalid value: target names must be unique
      no targets           | workloadRef: {kind: Deployment, name: web}; guards: [GUARD]; notifications: {when: [RolledBack]}    | spec.notifications.targets: Required value
      unknown kind         | workloadRef: {kind: Deployment, name: web}; guards: [GUARD]; notifications: {targets: [a], when: [Exploded]} | spec.notifications.when[0]: Unsupported value: "Exploded"
      """)
  void anInvalidRolloutIsRefusedWithAMessageNamingTheField(
      String rule, String spec, String expected, Platform platform) {
    String name = rule.replace(' ', '-');
    CommandResult result = apply(platform, name, spec);

    assertThat(result.exitCode()).as("kubectl apply of an invalid Rollout (%s)", rule).isNotZero();
    assertThat(result.stderr())
        .contains("The Rollout \"" + name + "\" is invalid")
        .contains(expected);
    assertThat(platform.kubectl("get", "rollout", name).exitCode())
        .as("nothing was stored")
        .isNotZero();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      analysis.interval           | analysis: {interval: 0s}
      analysis.bakeTime           | analysis: {bakeTime: 0ms}
      analysis.progressDeadline   | analysis: {progressDeadline: 0h0m}
      prometheus.timeout          | prometheus: {timeout: 00s}
      guards[0].exhaustion.within | guards: [{name: db, query: up, exhaustion: {limit: 200, within: 0s}}]
      guards[0].exhaustion.window | guards: [{name: db, query: up, exhaustion: {limit: 200, within: 30m, window: 0m}}]
      """)
  void aZeroDurationIsRefusedWhereItMustBePositive(String field, String spec, Platform platform) {
    assertRefusedNamingTheField(platform, "zero-" + field, spec, field, Durations.POSITIVE_MESSAGE);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      analysis.bakeTime           | analysis: {bakeTime: 99999999999999999999h}
      analysis.initialDelay       | analysis: {initialDelay: 100000h}
      analysis.postPromotionWindow| analysis: {postPromotionWindow: 1000000000s}
      prometheus.timeout          | prometheus: {timeout: 10000000m}
      guards[0].exhaustion.window | guards: [{name: db, query: up, exhaustion: {limit: 200, within: 30m, window: 1h1000000000ms}}]
      """)
  void aDurationTooLargeToRepresentIsRefused(String field, String spec, Platform platform) {
    assertRefusedNamingTheField(platform, "huge-" + field, spec, field, Durations.RANGE_MESSAGE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      zero initialDelay        | analysis: {initialDelay: 0s}                 | {.spec.analysis.initialDelay}        | 0s
      zero postPromotionWindow | analysis: {postPromotionWindow: 0s}          | {.spec.analysis.postPromotionWindow} | 0s
      two days bakeTime        | analysis: {bakeTime: 48h}                    | {.spec.analysis.bakeTime}            | 48h
      largest numbers          | analysis: {bakeTime: 99999h, interval: 999999999ms, progressDeadline: 9999999m}; prometheus: {timeout: 999999999s} | {.spec.analysis.bakeTime} {.spec.analysis.interval} {.spec.analysis.progressDeadline} {.spec.prometheus.timeout} | 99999h 999999999ms 9999999m 999999999s
      largest in 32 characters | analysis: {bakeTime: 999999999s999999999s999999999s9h} | {.spec.analysis.bakeTime} | 999999999s999999999s999999999s9h
      """)
  void aLegalDurationIsAccepted(
      String rule, String spec, String jsonPath, String expected, Platform platform) {
    String name = rule.replace(' ', '-').toLowerCase(Locale.ROOT);
    CommandResult result = apply(platform, name, aValidRolloutWith(spec));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(
            platform
                .kubectl("get", "rollout", name, "-o", "jsonpath=" + jsonPath)
                .orThrow()
                .stdout())
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      until 0%                 | canary: {steps: [{pause: {until: 0%, analysis: 1m}}]}                                   | canary.steps[0].pause.until    | must be firstBatch or a percentage of the replicas from 1% to 100%
      until 101%               | canary: {steps: [{pause: {until: 101%, analysis: 1m}}]}                                 | canary.steps[0].pause.until    | must be firstBatch or a percentage of the replicas from 1% to 100%
      until abc                | canary: {steps: [{pause: {until: abc, analysis: 1m}}]}                                  | canary.steps[0].pause.until    | must be firstBatch or a percentage of the replicas from 1% to 100%
      firstBatch second        | canary: {steps: [{pause: {until: 10%, analysis: 1m}}, {pause: {until: firstBatch, analysis: 1m}}]} | canary.steps | steps must grow: firstBatch only as the first step, then increasing percentages
      decreasing percentages   | canary: {steps: [{pause: {until: 50%, analysis: 1m}}, {pause: {until: 20%, analysis: 1m}}]}        | canary.steps | steps must grow: firstBatch only as the first step, then increasing percentages
      zero analysis            | canary: {steps: [{pause: {until: firstBatch, analysis: 0s}}]}                           | canary.steps[0].pause.analysis | must be a positive duration
      bad analysis             | canary: {steps: [{pause: {until: firstBatch, analysis: 2 minutes}}]}                    | canary.steps[0].pause.analysis | must be a duration such as 30s, 10m or 1h30m
      """)
  void anInvalidCanaryStepIsRefusedNamingTheField(
      String rule, String spec, String field, String message, Platform platform) {
    assertRefusedNamingTheField(platform, "canary-" + rule, spec, field, message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      missing analysis | canary: {steps: [{pause: {until: firstBatch}}]} | spec.canary.steps[0].pause.analysis: Required value
      missing until    | canary: {steps: [{pause: {analysis: 1m}}]}      | spec.canary.steps[0].pause.until: Required value
      missing pause    | canary: {steps: [{}]}                           | spec.canary.steps[0].pause: Required value
      empty steps      | canary: {steps: []}                             | spec.canary.steps: Invalid value: 0: spec.canary.steps in body should have at least 1 items
      missing steps    | canary: {}                                      | spec.canary.steps: Required value
      """)
  void aCanaryWithoutItsPartsIsRefused(
      String rule, String spec, String expected, Platform platform) {
    String name = "canary-" + rule.replace(' ', '-');
    CommandResult result = apply(platform, name, aValidRolloutWith(spec));

    assertThat(result.exitCode()).as("kubectl apply of an invalid Rollout (%s)", rule).isNotZero();
    assertThat(result.stderr())
        .contains("The Rollout \"" + name + "\" is invalid")
        .contains(expected);
    assertThat(platform.kubectl("get", "rollout", name).exitCode())
        .as("nothing was stored")
        .isNotZero();
  }

  @Test
  void aValidCanaryIsAcceptedAsWritten(Platform platform) {
    CommandResult result =
        apply(
            platform,
            "canary-two-steps",
            aValidRolloutWith(
                "canary: {steps: [{pause: {until: firstBatch, analysis: 2m}}, {pause: {until:"
                    + " \"50%\", analysis: 5m}}, {pause: {until: 100%, analysis: 30s}}]}"));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(
            platform
                .kubectl(
                    "get",
                    "rollout",
                    "canary-two-steps",
                    "-o",
                    "jsonpath={range .spec.canary.steps[*]}{.pause.until}/{.pause.analysis} {end}")
                .orThrow()
                .stdout()
                .strip())
        .isEqualTo("firstBatch/2m 50%/5m 100%/30s");
  }

  /** Refused, with one line of the error that names the field and says what is wrong with it. */
  private static void assertRefusedNamingTheField(
      Platform platform, String rule, String spec, String field, String message) {
    String name =
        rule.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("-$", "").toLowerCase(Locale.ROOT);
    CommandResult result = apply(platform, name, aValidRolloutWith(spec));

    assertThat(result.exitCode()).as("kubectl apply of an invalid Rollout (%s)", rule).isNotZero();
    assertThat(result.stderr())
        .contains("The Rollout \"" + name + "\" is invalid")
        .as("one rule fails, without a CEL runtime error")
        .containsOnlyOnce("Invalid value");
    assertThat(result.stderr().lines())
        .as(result.stderr())
        .anySatisfy(
            line ->
                assertThat(line).contains("spec." + field + ": Invalid value: ").contains(message));
    assertThat(platform.kubectl("get", "rollout", name).exitCode())
        .as("nothing was stored")
        .isNotZero();
  }

  /** The spec with a workloadRef, and a valid guard unless it has guards. */
  private static String aValidRolloutWith(String spec) {
    return "workloadRef: {kind: Deployment, name: web}; "
        + spec
        + (spec.contains("guards:") ? "" : "; guards: [GUARD]");
  }

  /**
   * Applies a Rollout whose spec is written as "; "-separated lines, GUARD standing for a valid
   * guard.
   */
  private static CommandResult apply(Platform platform, String name, String spec) {
    String yaml =
        """
        apiVersion: rollguard.dev/v1alpha1
        kind: Rollout
        metadata: {name: %s, namespace: default}
        spec:
          %s
        """
            .formatted(name, spec.replace("GUARD", VALID_GUARD).replace("; ", "\n  "));
    return platform.kubectlWithInput(yaml, "apply", "-f", "-");
  }
}
