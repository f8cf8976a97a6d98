package dev.rollguard.operator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The client's JSON mapping, minus {@code metadata.managedFields}. The operator never reads them,
 * yet every cached Deployment and Rollout carried them as nested maps: the largest share of the
 * informer caches (measured by the scale benchmark). Leaving them out of writes is safe too: an
 * update without managedFields keeps the server's.
 */
final class LeanSerialization {

  private LeanSerialization() {}

  static KubernetesSerialization create() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
    return new KubernetesSerialization(mapper, true);
  }

  @JsonIgnoreProperties(value = "managedFields", ignoreUnknown = true)
  private abstract static class WithoutManagedFields {}
}
