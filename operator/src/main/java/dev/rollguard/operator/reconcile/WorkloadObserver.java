package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.api.PodTemplates;
import dev.rollguard.operator.decide.WorkloadState;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.Map;
import java.util.Optional;

/** Reads what matters of a Deployment: which revision it runs and whether it is fully available. */
final class WorkloadObserver {

  private WorkloadObserver() {}

  static WorkloadState observe(Deployment deployment) {
    var template = deployment.getSpec().getTemplate();
    int desired =
        deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    DeploymentStatus status =
        deployment.getStatus() == null ? new DeploymentStatus() : deployment.getStatus();
    int updated = count(status.getUpdatedReplicas());
    int available = count(status.getAvailableReplicas());
    int total = count(status.getReplicas());
    long generation =
        deployment.getMetadata().getGeneration() == null
            ? 0
            : deployment.getMetadata().getGeneration();
    long observed = status.getObservedGeneration() == null ? 0 : status.getObservedGeneration();
    // Available means the Deployment controller has seen this template and every desired
    // replica runs it and is available, with no old pod left.
    boolean fullyAvailable =
        observed >= generation && updated >= desired && available >= desired && total <= updated;
    String availability =
        updated
            + "/"
            + desired
            + " updated replicas, "
            + available
            + " available"
            + (total > updated ? ", " + (total - updated) + " old still running" : "");
    boolean paused = Boolean.TRUE.equals(deployment.getSpec().getPaused());
    var annotations = deployment.getMetadata().getAnnotations();
    Optional<String> held =
        Optional.ofNullable(
            annotations == null ? null : annotations.get(WorkloadState.HELD_REVISION));
    return new WorkloadState(
        PodTemplates.hash(template),
        PodTemplates.images(template),
        fullyAvailable,
        availability,
        paused,
        held,
        rollingOut(status, desired, updated, total, observed < generation),
        Optional.empty(),
        Map.of(),
        desired,
        // Until the controller has seen the latest spec, its counts may be of another template.
        observed >= generation ? updated : WorkloadState.UNKNOWN,
        Optional.ofNullable(
                annotations == null ? null : annotations.get(WorkloadState.CANARY_PAUSE))
            .map(value -> value.split(" ")[0]),
        generation);
  }

  /**
   * In the middle of a rollout: old pods still run, the new ReplicaSet is not complete, the
   * controller has not seen the template yet, or it does not report the rollout as finished.
   */
  private static boolean rollingOut(
      DeploymentStatus status, int desired, int updated, int total, boolean unseen) {
    String progressing =
        status.getConditions() == null
            ? null
            : status.getConditions().stream()
                .filter(c -> "Progressing".equals(c.getType()))
                .map(c -> c.getReason())
                .findFirst()
                .orElse(null);
    return unseen
        || total > updated
        || updated < desired
        || progressing != null && !"NewReplicaSetAvailable".equals(progressing);
  }

  /**
   * The Deployment controller numbers its rollouts ({@code deployment.kubernetes.io/revision});
   * past the first one, older ReplicaSets may exist.
   */
  static boolean hadEarlierRevisions(Deployment deployment) {
    var annotations = deployment.getMetadata().getAnnotations();
    String revision =
        annotations == null ? null : annotations.get(ReplicaSetHistory.REVISION_ANNOTATION);
    try {
      return revision == null || Long.parseLong(revision) > 1;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static int count(Integer value) {
    return value == null ? 0 : value;
  }
}
