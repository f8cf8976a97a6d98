package dev.rollguard.operator.act;

import dev.rollguard.operator.decide.WorkloadState;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Restores a stable pod template into the guarded Deployment, as {@code kubectl rollout undo}
 * would, but to the revision that proved stable. Only the template changes; the Deployment stays
 * the user's (replicas, strategy, labels untouched).
 */
public final class TemplateRestorer {

  public static final String FIELD_MANAGER = "rollguard";
  public static final String CHANGE_CAUSE = "kubernetes.io/change-cause";

  private final KubernetesClient client;

  public TemplateRestorer(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Replaces {@code running} by {@code stable}. The JSON patch first tests that the Deployment
   * still runs {@code running}: if someone deployed meanwhile, the API server refuses (422) and the
   * next reconcile sees the newer revision instead of rolling it back blindly. With {@code resume},
   * the same patch lifts Rollguard's canary pause (a paused Deployment would not roll back), so no
   * moment exists where the failed template runs unpaused.
   */
  public void restore(
      Deployment deployment,
      PodTemplateSpec running,
      PodTemplateSpec stable,
      String cause,
      boolean resume) {
    // The client's own mapping, warm from the informers' Deployments: a first rollback then pays
    // no (de)serializer set-up, which a separate mapper did while a burst of rollbacks waited.
    var json = client.getKubernetesSerialization();
    List<Map<String, Object>> patch = new ArrayList<>();
    patch.addAll(
        List.of(
            Map.of(
                "op",
                "test",
                "path",
                "/spec/template",
                "value",
                json.convertValue(running, Map.class)),
            Map.of(
                "op",
                "replace",
                "path",
                "/spec/template",
                "value",
                json.convertValue(stable, Map.class))));
    if (resume) {
      patch.add(Map.of("op", "add", "path", "/spec/paused", "value", false));
      var annotations = deployment.getMetadata().getAnnotations();
      if (annotations != null && annotations.containsKey(WorkloadState.CANARY_PAUSE)) {
        patch.add(
            Map.of(
                "op",
                "remove",
                "path",
                "/metadata/annotations/" + WorkloadState.CANARY_PAUSE.replace("/", "~1")));
      }
    }
    var existing = deployment.getMetadata().getAnnotations();
    // The cause shows in `kubectl rollout history`; it is metadata, so it is not a new revision.
    // In the same patch when the Deployment has annotations (the Deployment controller always
    // sets its revision annotation), so the restore is one request.
    boolean causeInPatch = existing != null;
    if (causeInPatch) {
      patch.add(
          Map.of(
              "op",
              "add",
              "path",
              "/metadata/annotations/" + CHANGE_CAUSE.replace("/", "~1"),
              "value",
              cause));
    }
    var resource = PatchTargets.deployment(client, deployment);
    resource.patch(
        new PatchContext.Builder()
            .withPatchType(PatchType.JSON)
            .withFieldManager(FIELD_MANAGER)
            .build(),
        json.asJson(patch));
    if (!causeInPatch) {
      resource.patch(
          new PatchContext.Builder()
              .withPatchType(PatchType.JSON_MERGE)
              .withFieldManager(FIELD_MANAGER)
              .build(),
          json.asJson(Map.of("metadata", Map.of("annotations", Map.of(CHANGE_CAUSE, cause)))));
    }
  }
}
