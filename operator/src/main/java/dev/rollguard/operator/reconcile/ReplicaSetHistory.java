package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.api.PodTemplates;
import dev.rollguard.operator.decide.WorkloadState.PreviousRevision;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The revision a Deployment ran before the rollout it is in. Read only while adopting a Deployment
 * caught mid-rollout (rare), so a direct list of its ReplicaSets is cheaper than watching every
 * ReplicaSet in the cluster.
 */
final class ReplicaSetHistory {

  static final String REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

  private ReplicaSetHistory() {}

  static Optional<PreviousRevision> previous(
      KubernetesClient client, Deployment deployment, String currentHash) {
    List<ReplicaSet> owned = owned(client, deployment);
    Optional<ReplicaSet> current =
        owned.stream()
            .filter(rs -> hash(rs).equals(currentHash))
            .max(Comparator.comparingLong(ReplicaSetHistory::revision));
    Instant startedAt =
        current
            .map(rs -> Instant.parse(rs.getMetadata().getCreationTimestamp()))
            .orElse(Instant.now());
    // The revision that served: the old ReplicaSet with the most available pods; among equals
    // (for example all scaled down by a Recreate rollout), the newest.
    return owned.stream()
        .filter(rs -> !hash(rs).equals(currentHash))
        .max(
            Comparator.comparingInt(ReplicaSetHistory::available)
                .thenComparingLong(ReplicaSetHistory::revision))
        .map(
            rs -> {
              PodTemplateSpec template = template(rs);
              return new PreviousRevision(
                  PodTemplates.hash(template),
                  PodTemplates.images(template),
                  rs.getMetadata().getName(),
                  startedAt);
            });
  }

  /**
   * The pod-template-hash of each ReplicaSet of the Deployment, by the hash of its template (the
   * revision); pods carry it as a label, so queries can select one revision's pods.
   */
  static Map<String, String> podTemplateHashes(KubernetesClient client, Deployment deployment) {
    Map<String, String> hashes = new HashMap<>();
    for (ReplicaSet rs : owned(client, deployment)) {
      var labels = rs.getSpec().getTemplate().getMetadata().getLabels();
      String podTemplateHash = labels == null ? null : labels.get("pod-template-hash");
      if (podTemplateHash != null) {
        hashes.put(hash(rs), podTemplateHash);
      }
    }
    return hashes;
  }

  private static List<ReplicaSet> owned(KubernetesClient client, Deployment deployment) {
    var selector = deployment.getSpec().getSelector();
    return client
        .apps()
        .replicaSets()
        .inNamespace(deployment.getMetadata().getNamespace())
        .withLabels(
            selector == null || selector.getMatchLabels() == null
                ? Map.of()
                : selector.getMatchLabels())
        .list()
        .getItems()
        .stream()
        .filter(
            rs ->
                rs.getMetadata().getOwnerReferences() != null
                    && rs.getMetadata().getOwnerReferences().stream()
                        .anyMatch(ref -> deployment.getMetadata().getUid().equals(ref.getUid())))
        .toList();
  }

  private static String hash(ReplicaSet rs) {
    return PodTemplates.hash(template(rs));
  }

  private static PodTemplateSpec template(ReplicaSet rs) {
    return rs.getSpec().getTemplate();
  }

  private static int available(ReplicaSet rs) {
    Integer available = rs.getStatus() == null ? null : rs.getStatus().getAvailableReplicas();
    return available == null ? 0 : available;
  }

  private static long revision(ReplicaSet rs) {
    var annotations = rs.getMetadata().getAnnotations();
    try {
      return Long.parseLong(
          annotations == null ? "0" : annotations.getOrDefault(REVISION_ANNOTATION, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
