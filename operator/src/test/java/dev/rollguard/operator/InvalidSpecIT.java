package dev.rollguard.operator;

import static dev.rollguard.operator.InProcessRollouts.SOON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
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

  private static InProcessRollouts rollouts;

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
    rollouts = InProcessRollouts.startWithInstalledCrd(platform, "invalid", OperatorHooks.NONE);
  }

  @AfterAll
  static void stop() {
    if (rollouts != null) {
      rollouts.close();
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
  void anOverflowingDurationIsReportedNamingTheFieldWhileOtherRolloutsKeepWorking() {
    rollouts.deployment("good", "shop/app:1", 1, "");
    rollouts.deployment("bad", "shop/app:1", 1, "");
    rollouts.rollout("bad", "bad", "{bakeTime: 99999999999999999999h}");
    rollouts.rollout("good", "good", "{bakeTime: 1m}");

    rollouts.awaitStage("bad", Stage.InvalidSpec);
    Rollout bad = rollouts.get("bad");
    assertThat(bad.getStatus().phase).isEqualTo(Phase.Error);
    Condition ready = rollouts.condition("bad", "Ready").orElseThrow();
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
                rollouts.events("bad", "InvalidSpec").stream()
                    .anyMatch(
                        e ->
                            "Warning".equals(e.getType())
                                && e.getMessage().contains("spec.analysis.bakeTime")));

    rollouts.awaitStage("good", Stage.Stable);
    assertThat(rollouts.get("good").getStatus().stableRevision.images)
        .containsExactly("shop/app:1");
  }

  @Test
  void aZeroIntervalIsReportedAndFixingItStartsGuarding() {
    rollouts.deployment("zero", "shop/app:1", 1, "");
    rollouts.rollout("zero", "zero", "{interval: 0s}");
    rollouts.awaitStage("zero", Stage.InvalidSpec);
    assertThat(rollouts.get("zero").getStatus().message).contains("spec.analysis.interval");

    rollouts.rollout("zero", "zero", "{interval: 15s}");
    rollouts.awaitStage("zero", Stage.Stable);
  }
}
