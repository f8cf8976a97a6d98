package dev.rollguard.operator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.operator.api.Rollout;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * The client's JSON mapping, minus {@code metadata.managedFields}. The operator never reads them,
 * yet every cached Deployment and Rollout carried them as nested maps: the largest share of the
 * informer caches (measured by the scale benchmark). Leaving them out of writes is safe too: an
 * update without managedFields keeps the server's.
 *
 * <p>The client's default mapping also finds every Kubernetes kind on the class path at start, by
 * creating one object of each (Pods, Gateway routes, resource claims...): about 570 classes that
 * stay loaded for nothing (docs/benchmarks.md, memory at 100 Rollouts). Here only the kinds the
 * operator reads are registered; the client still reads any other kind it meets, through a generic
 * object converted to the type asked for. A kubeconfig file is read with this mapping too ({@link
 * #kubeconfig}): the client's own reader builds its default mapping, scan included.
 */
final class LeanSerialization {

  private LeanSerialization() {}

  static KubernetesSerialization create() {
    ObjectMapper mapper = new ObjectMapper();
    mapper.addMixIn(ObjectMeta.class, WithoutManagedFields.class);
    KubernetesSerialization serialization = new KubernetesSerialization(mapper, false);
    // The kinds the operator watches or reads: their watch events map straight to their types.
    List.of(
            Rollout.class,
            Deployment.class,
            ReplicaSet.class,
            ControllerRevision.class,
            ConfigMap.class,
            Secret.class,
            Event.class,
            Lease.class)
        .forEach(serialization::registerKubernetesResource);
    return serialization;
  }

  /**
   * The client's configuration from the text of a kubeconfig file, made as {@code
   * Config.fromKubeconfig(text)} makes it (an empty configuration merged with the file's current
   * context), but parsed with {@code serialization}: {@code Config.fromKubeconfig} parses with the
   * client's static default mapping, whose class-path scan loaded about 570 classes for nothing.
   */
  static Config kubeconfig(KubernetesSerialization serialization, String text) {
    io.fabric8.kubernetes.api.model.Config file =
        serialization.unmarshal(text, io.fabric8.kubernetes.api.model.Config.class);
    Config config = Config.empty();
    KubeConfigUtils.merge(config, null, file);
    return config;
  }

  @JsonIgnoreProperties(value = "managedFields", ignoreUnknown = true)
  private abstract static class WithoutManagedFields {}
}
