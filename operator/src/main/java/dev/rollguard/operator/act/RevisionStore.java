package dev.rollguard.operator.act;

import dev.rollguard.operator.api.Rollout;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;
import java.util.Map;

/**
 * Stable templates live in ControllerRevisions owned by the Rollout, so they survive operator
 * restarts, never depend on the Deployment's own ReplicaSet history, and go away with the Rollout.
 */
public final class RevisionStore {

  public static final String ROLLOUT_LABEL = "rollguard.dev/rollout";
  public static final String HASH_LABEL = "rollguard.dev/revision-hash";

  private final KubernetesClient client;

  public RevisionStore(KubernetesClient client) {
    this.client = client;
  }

  /** Saves the template under {@code name}; saving the same revision again is a no-op. */
  public void save(Rollout rollout, String name, String hash, PodTemplateSpec template) {
    String namespace = rollout.getMetadata().getNamespace();
    ControllerRevision revision =
        new ControllerRevisionBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .addToLabels(ROLLOUT_LABEL, rollout.getMetadata().getName())
            .addToLabels(HASH_LABEL, hash)
            .addToOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(rollout.getApiVersion())
                    .withKind(rollout.getKind())
                    .withName(rollout.getMetadata().getName())
                    .withUid(rollout.getMetadata().getUid())
                    .build())
            .endMetadata()
            .withRevision(System.currentTimeMillis() / 1000)
            .withData(
                Map.of("template", Serialization.jsonMapper().convertValue(template, Map.class)))
            .build();
    try {
      client.apps().controllerRevisions().inNamespace(namespace).resource(revision).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // Already saved (a retry after a restart): the name holds the hash, so it is the same
      // template.
    }
  }

  /** The template saved under {@code name}; fails loudly when it is gone, never guesses. */
  public PodTemplateSpec load(String namespace, String name) {
    ControllerRevision revision =
        client.apps().controllerRevisions().inNamespace(namespace).withName(name).get();
    if (revision == null || revision.getData() == null) {
      throw new IllegalStateException(
          "ControllerRevision "
              + namespace
              + "/"
              + name
              + " holding the stable template is missing; cannot roll back");
    }
    Object template =
        Serialization.jsonMapper().convertValue(revision.getData(), Map.class).get("template");
    return Serialization.jsonMapper().convertValue(template, PodTemplateSpec.class);
  }
}
