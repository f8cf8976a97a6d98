package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A spec value the operator cannot use never leaves a Rollout silent. The CRD here has its
 * validation rules removed, as on a cluster where the operator was upgraded and the CRD was not
 * (Helm never upgrades CRDs): what the schema would refuse reaches the operator, which reports it
 * as {@code InvalidSpec} naming the field, while the other Rollouts keep working.
 */
@LocalPlatform(apiServer = true)
class InvalidSpecIT {

  private static final String NAMESPACE = "invalid";
  private static final Duration SOON = Duration.ofSeconds(20);
  private static RollguardOperator operator;

  @BeforeAll
  static void start(Platform platform) throws IOException {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(CrdFiles.committed())) {
      crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
    }
    crd.getSpec()
        .getVersions()
        .forEach(version -> withoutRules(version.getSchema().getOpenAPIV3Schema()));
    platform.client().resource(crd).create();
    platform
        .kubectl(
            "wait", "--for=condition=Established", "crd/rollouts.rollguard.dev", "--timeout=30s")
        .orThrow();
    platform.kubectl("create", "namespace", NAMESPACE).orThrow();
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
                "0"));
    operator.start();
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
  }

  private static void withoutRules(JSONSchemaProps schema) {
    if (schema == null) {
      return;
    }
    schema.setXKubernetesValidations(null);
    schema.setPattern(null);
    schema.setMaxLength(null);
    schema.setMinimum(null);
    if (schema.getProperties() != null) {
      schema.getProperties().values().forEach(InvalidSpecIT::withoutRules);
    }
    if (schema.getItems() != null) {
      withoutRules(schema.getItems().getSchema());
    }
  }

  @Test
  void anOverflowingDurationIsReportedNamingTheFieldWhileOtherRolloutsKeepWorking(
      Platform platform) {
    deployment(platform, "good");
    deployment(platform, "bad");
    rollout(platform, "bad", "{bakeTime: 99999999999999999999h}");
    rollout(platform, "good", "{bakeTime: 1m}");

    await().atMost(SOON).until(() -> stage(platform, "bad") == Stage.InvalidSpec);
    Rollout bad = get(platform, "bad");
    assertThat(bad.getStatus().phase).isEqualTo(Phase.Error);
    var ready =
        bad.getStatus().conditions.stream()
            .filter(c -> "Ready".equals(c.getType()))
            .findFirst()
            .orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage())
        .contains("spec.analysis.bakeTime")
        .contains("99999999999999999999h");
    assertThat(bad.getStatus().stableRevision).as("nothing adopted, nothing guarded").isNull();
    await()
        .atMost(SOON)
        .until(
            () ->
                platform.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                    .anyMatch(
                        e ->
                            "bad".equals(e.getInvolvedObject().getName())
                                && "InvalidSpec".equals(e.getReason())
                                && "Warning".equals(e.getType())
                                && e.getMessage().contains("spec.analysis.bakeTime")));

    await().atMost(SOON).until(() -> stage(platform, "good") == Stage.Stable);
    assertThat(get(platform, "good").getStatus().stableRevision.images)
        .containsExactly("shop/app:1");
  }

  @Test
  void aZeroIntervalIsReportedAndFixingItStartsGuarding(Platform platform) {
    deployment(platform, "zero");
    rollout(platform, "zero", "{interval: 0s}");
    await().atMost(SOON).until(() -> stage(platform, "zero") == Stage.InvalidSpec);
    assertThat(get(platform, "zero").getStatus().message).contains("spec.analysis.interval");

    rollout(platform, "zero", "{interval: 15s}");
    await().atMost(SOON).until(() -> stage(platform, "zero") == Stage.Stable);
  }

  private static Stage stage(Platform platform, String name) {
    Rollout rollout = get(platform, name);
    return rollout == null || rollout.getStatus() == null ? null : rollout.getStatus().stage;
  }

  private static Rollout get(Platform platform, String name) {
    return platform.client().resources(Rollout.class).inNamespace(NAMESPACE).withName(name).get();
  }

  private static void rollout(Platform platform, String name, String analysis) {
    platform
        .kubectlWithInput(
            """
        apiVersion: rollguard.dev/v1alpha1
        kind: Rollout
        metadata: {name: %s, namespace: %s}
        spec:
          workloadRef: {kind: Deployment, name: %s}
          analysis: %s
          guards: [{name: db, query: 'sum(pg_stat_activity_count)', max: 150}]
        """
                .formatted(name, NAMESPACE, name, analysis),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  private static void deployment(Platform platform, String name) {
    platform
        .kubectlWithInput(
            """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %s, namespace: %s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: %s}}
          template:
            metadata: {labels: {app: %s}}
            spec: {containers: [{name: app, image: "shop/app:1"}]}
        """
                .formatted(name, NAMESPACE, name, name),
            "apply",
            "-f",
            "-")
        .orThrow();
  }
}
