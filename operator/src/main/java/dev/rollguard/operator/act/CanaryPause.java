package dev.rollguard.operator.act;

import dev.rollguard.operator.decide.WorkloadState;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A canary step's pause: {@code spec.paused} plus an annotation saying the pause is Rollguard's and
 * for which revision and step. A pause someone else set is never lifted.
 */
public final class CanaryPause {

  private CanaryPause() {}

  public static void pause(
      KubernetesClient client, Deployment deployment, String revision, String step) {
    PausePatch.apply(client, deployment, true, WorkloadState.CANARY_PAUSE, revision + " " + step);
  }

  /** Lifts the pause, if it is a canary pause of Rollguard's. */
  public static void resume(KubernetesClient client, Deployment deployment) {
    var annotations = deployment.getMetadata().getAnnotations();
    if (annotations == null || !annotations.containsKey(WorkloadState.CANARY_PAUSE)) {
      return;
    }
    PausePatch.apply(client, deployment, false, WorkloadState.CANARY_PAUSE, null);
  }
}
