package dev.rollguard.operator.act;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.HashMap;
import java.util.Map;

/**
 * Sets a Deployment's {@code spec.paused} together with the annotation that says whose pause it is
 * (a null marker removes the annotation). Only these two fields are touched, with Rollguard's field
 * manager, so a GitOps controller applying the rest of the Deployment does not fight over them.
 */
final class PausePatch {

  private PausePatch() {}

  static void apply(
      KubernetesClient client,
      Deployment deployment,
      boolean paused,
      String annotation,
      String marker) {
    Map<String, Object> annotations = new HashMap<>();
    annotations.put(annotation, marker);
    Map<String, Object> body =
        Map.of("metadata", Map.of("annotations", annotations), "spec", Map.of("paused", paused));
    // A null marker stays in the merge patch and removes the annotation.
    String patch = PatchTargets.mergePatch(body);
    PatchTargets.deployment(client, deployment)
        .patch(
            new PatchContext.Builder()
                .withPatchType(PatchType.JSON_MERGE)
                .withFieldManager(TemplateRestorer.FIELD_MANAGER)
                .build(),
            patch);
  }
}
