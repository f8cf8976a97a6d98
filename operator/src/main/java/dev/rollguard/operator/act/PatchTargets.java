package dev.rollguard.operator.act;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.operator.api.Rollout;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.util.Map;

/**
 * Where a patch goes, without reading the object first. The client's patch with a patch document
 * works on a resource picked by name by first reading that object from the API server (to learn its
 * name and namespace, which the patch already has): one GET more before every patch. During a burst
 * of rollbacks that GET stood between the decision and the restore. A stand-in carrying only the
 * name and namespace gives the client what it needs; the patch itself is unchanged.
 */
public final class PatchTargets {

  /** Plain, so that a merge patch's nulls (removals) stay in it; shared, as mappers are meant. */
  private static final ObjectMapper MERGE_PATCH = new ObjectMapper();

  private PatchTargets() {}

  public static Resource<Deployment> deployment(KubernetesClient client, Deployment deployment) {
    Deployment stub = new Deployment();
    stub.setMetadata(nameOf(deployment.getMetadata()));
    return client
        .apps()
        .deployments()
        .inNamespace(deployment.getMetadata().getNamespace())
        .resource(stub);
  }

  public static Resource<Rollout> rollout(KubernetesClient client, Rollout rollout) {
    Rollout stub = new Rollout();
    stub.setMetadata(nameOf(rollout.getMetadata()));
    return client
        .resources(Rollout.class)
        .inNamespace(rollout.getMetadata().getNamespace())
        .resource(stub);
  }

  /**
   * A JSON merge patch's text. A key whose value is null stays in it and removes that key on the
   * server; the client's own mapping would leave it out.
   */
  static String mergePatch(Map<String, Object> body) {
    try {
      return MERGE_PATCH.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectMeta nameOf(ObjectMeta metadata) {
    return new ObjectMetaBuilder()
        .withName(metadata.getName())
        .withNamespace(metadata.getNamespace())
        .build();
  }
}
