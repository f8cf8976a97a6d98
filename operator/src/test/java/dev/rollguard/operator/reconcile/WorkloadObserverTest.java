package dev.rollguard.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.decide.WorkloadState;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkloadObserverTest {

  private static Deployment deployment(
      long generation,
      long observed,
      int updated,
      boolean paused,
      Map<String, String> annotations) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace("shop")
        .withGeneration(generation)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withReplicas(10)
        .withPaused(paused)
        .withNewTemplate()
        .withNewSpec()
        .addNewContainer()
        .withName("web")
        .withImage("shop/web:2")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .withNewStatus()
        .withObservedGeneration(observed)
        .withUpdatedReplicas(updated)
        .withReplicas(11)
        .withAvailableReplicas(10)
        .endStatus()
        .build();
  }

  @Test
  void countsTheNewTemplatesPodsOnceTheControllerHasSeenTheSpec() {
    WorkloadState state = WorkloadObserver.observe(deployment(4, 4, 1, false, Map.of()));
    assertThat(state.replicas()).isEqualTo(10);
    assertThat(state.updatedReplicas()).isEqualTo(1);
    assertThat(state.generation()).isEqualTo(4);
  }

  @Test
  void podCountsOfAnUnobservedSpecAreUnknown() {
    // The controller still reports the pods of the template before this one.
    WorkloadState state = WorkloadObserver.observe(deployment(5, 4, 10, false, Map.of()));
    assertThat(state.updatedReplicas()).isEqualTo(WorkloadState.UNKNOWN);
  }

  @Test
  void readsRollguardsCanaryPauseFromItsAnnotation() {
    WorkloadState ours =
        WorkloadObserver.observe(
            deployment(4, 4, 1, true, Map.of(WorkloadState.CANARY_PAUSE, "7c9d5f0a1b 1/2")));
    assertThat(ours.pausedByCanary()).isTrue();
    assertThat(ours.canaryPause()).contains("7c9d5f0a1b");

    WorkloadState someoneElses = WorkloadObserver.observe(deployment(4, 4, 1, true, Map.of()));
    assertThat(someoneElses.paused()).isTrue();
    assertThat(someoneElses.pausedByCanary()).isFalse();
    assertThat(someoneElses.canaryPause()).isEqualTo(Optional.empty());
  }
}
