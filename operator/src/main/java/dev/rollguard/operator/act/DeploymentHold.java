package dev.rollguard.operator.act;

import dev.rollguard.operator.decide.WorkloadState;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Rollguard's hold on a Deployment: {@code spec.paused} plus an annotation saying it is ours and
 * which failed revision it holds back.
 */
public final class DeploymentHold {

  private DeploymentHold() {}

  public static void apply(KubernetesClient client, Deployment deployment, String failedHash) {
    patch(client, deployment, true, failedHash);
  }

  /** Lifts the hold, if the pause is Rollguard's. */
  public static void release(KubernetesClient client, Deployment deployment) {
    var annotations = deployment.getMetadata().getAnnotations();
    if (annotations == null || !annotations.containsKey(WorkloadState.HELD_REVISION)) {
      return;
    }
    patch(client, deployment, false, null);
  }

  private static void patch(
      KubernetesClient client, Deployment deployment, boolean paused, String held) {
    PausePatch.apply(client, deployment, paused, WorkloadState.HELD_REVISION, held);
  }
}
