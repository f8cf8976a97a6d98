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
 * A Deployment's ReplicaSets, listed once when a decision needs them: while adopting a Deployment
 * caught mid-rollout (which revision served before it), or while guard queries need a
 * pod-template-hash the status does not have yet. Both are rare, so a direct list is cheaper than
 * watching every ReplicaSet in the cluster.
 */
final class ReplicaSetHistory {

  static final String REVISION_ANNOTATION = "deployment.kubernetes.io/revision";

  /** One owned ReplicaSet and the revision (template hash) it runs. */
  private record Owned(ReplicaSet replicaSet, String hash) {}

  private final List<Owned> owned;

  private ReplicaSetHistory(List<Owned> owned) {
    this.owned = owned;
  }

  static ReplicaSetHistory of(KubernetesClient client, Deployment deployment) {
    var selector = deployment.getSpec().getSelector();
    List<Owned> owned =
        client
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
            .filter(rs -> ownedBy(rs, deployment))
            .map(rs -> new Owned(rs, PodTemplates.hash(rs.getSpec().getTemplate())))
            .toList();
    return new ReplicaSetHistory(owned);
  }

  /** The revision that served before {@code currentHash}, with the time the current one began. */
  Optional<PreviousRevision> previous(String currentHash) {
    Instant startedAt =
        owned.stream()
            .filter(o -> o.hash().equals(currentHash))
            .max(Comparator.comparingLong(o -> revision(o.replicaSet())))
            .map(o -> Instant.parse(o.replicaSet().getMetadata().getCreationTimestamp()))
            .orElse(Instant.now());
    // The revision that served: the old ReplicaSet with the most available pods; among equals
    // (for example all scaled down by a Recreate rollout), the newest.
    return owned.stream()
        .filter(o -> !o.hash().equals(currentHash))
        .max(
            Comparator.comparingInt((Owned o) -> available(o.replicaSet()))
                .thenComparingLong(o -> revision(o.replicaSet())))
        .map(
            o -> {
              PodTemplateSpec template = o.replicaSet().getSpec().getTemplate();
              return new PreviousRevision(
                  o.hash(),
                  PodTemplates.images(template),
                  o.replicaSet().getMetadata().getName(),
                  startedAt);
            });
  }

  /**
   * The pod-template-hash of each ReplicaSet, by the revision it runs; pods carry it as a label, so
   * queries can select one revision's pods.
   */
  Map<String, String> podTemplateHashes() {
    Map<String, String> hashes = new HashMap<>();
    for (Owned o : owned) {
      var labels = o.replicaSet().getSpec().getTemplate().getMetadata().getLabels();
      String podTemplateHash = labels == null ? null : labels.get("pod-template-hash");
      if (podTemplateHash != null) {
        hashes.put(o.hash(), podTemplateHash);
      }
    }
    return hashes;
  }

  private static boolean ownedBy(ReplicaSet rs, Deployment deployment) {
    return rs.getMetadata().getOwnerReferences() != null
        && rs.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> deployment.getMetadata().getUid().equals(ref.getUid()));
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
