package dev.rollguard.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnStatusEchoesTest {

  private final OwnStatusEchoes filter = new OwnStatusEchoes();

  @Test
  void aStatusOnlyChangeDoesNotReconcileAgain() {
    Rollout older = rollout(1L, Map.of());
    Rollout newer = rollout(1L, Map.of());
    newer.getStatus().phase = RolloutStatus.Phase.RollingBack;

    assertThat(filter.accept(newer, older)).isFalse();
  }

  @Test
  void specAnnotationLabelFinalizerAndDeletionChangesReconcile() {
    Rollout older = rollout(1L, Map.of());

    assertThat(filter.accept(rollout(2L, Map.of()), older)).as("spec (generation)").isTrue();
    assertThat(filter.accept(rollout(1L, Map.of("rollguard.dev/promote", "true")), older))
        .as("request")
        .isTrue();

    Rollout labelled = rollout(1L, Map.of());
    labelled.getMetadata().setLabels(Map.of("team", "shop"));
    assertThat(filter.accept(labelled, older)).as("label").isTrue();

    Rollout finalized = rollout(1L, Map.of());
    finalized.getMetadata().setFinalizers(List.of("rollouts.rollguard.dev/finalizer"));
    assertThat(filter.accept(finalized, older)).as("finalizer").isTrue();

    Rollout deleting = rollout(1L, Map.of());
    deleting.getMetadata().setDeletionTimestamp("2026-11-25T10:00:00Z");
    assertThat(filter.accept(deleting, older)).as("deletion").isTrue();
  }

  private static Rollout rollout(long generation, Map<String, String> annotations) {
    Rollout rollout = new Rollout();
    rollout.setMetadata(
        new ObjectMetaBuilder()
            .withName("api")
            .withNamespace("shop")
            .withGeneration(generation)
            .withAnnotations(annotations)
            .build());
    rollout.setStatus(new RolloutStatus());
    return rollout;
  }
}
