package dev.rollguard.operator.act;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.operator.decide.WorkloadState;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.HashMap;
import java.util.Map;

/**
 * Rollguard's hold on a Deployment: {@code spec.paused} plus an annotation saying it is ours and
 * which failed revision it holds back. Only {@code paused} and that annotation are touched, with
 * Rollguard's field manager, so a GitOps controller applying the rest of the Deployment does not
 * fight over them.
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
    Map<String, Object> annotations = new HashMap<>();
    annotations.put(WorkloadState.HELD_REVISION, held);
    Map<String, Object> body =
        Map.of("metadata", Map.of("annotations", annotations), "spec", Map.of("paused", paused));
    try {
      client
          .apps()
          .deployments()
          .inNamespace(deployment.getMetadata().getNamespace())
          .withName(deployment.getMetadata().getName())
          .patch(
              new PatchContext.Builder()
                  .withPatchType(PatchType.JSON_MERGE)
                  .withFieldManager(TemplateRestorer.FIELD_MANAGER)
                  .build(),
              new ObjectMapper().writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
