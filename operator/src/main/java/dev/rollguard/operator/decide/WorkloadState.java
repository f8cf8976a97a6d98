package dev.rollguard.operator.decide;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the reconciler observed of the guarded Deployment.
 *
 * @param hash hash of its current pod template
 * @param available every desired replica runs the current template and is available
 * @param availability readiness in words, e.g. "2/3 updated replicas available"
 * @param rollingOut the Deployment is in the middle of a rollout (old pods still run, or the new
 *     ReplicaSet is not complete yet)
 * @param previous the revision that served before the current one, when the Deployment is caught
 *     mid-rollout; only looked up while adopting
 * @param podTemplateHashes the pod-template-hash of its ReplicaSets by revision hash; only looked
 *     up while guard queries need one that the status does not have yet
 */
public record WorkloadState(
    String hash,
    List<String> images,
    boolean available,
    String availability,
    boolean paused,
    Optional<String> heldRevision,
    boolean rollingOut,
    Optional<PreviousRevision> previous,
    Map<String, String> podTemplateHashes) {

  /**
   * The Deployment annotation that marks a pause as Rollguard's hold (its value: the held hash).
   */
  public static final String HELD_REVISION = "rollguard.dev/held-revision";

  public WorkloadState(
      String hash,
      List<String> images,
      boolean available,
      String availability,
      boolean paused,
      Optional<String> heldRevision) {
    this(
        hash,
        images,
        available,
        availability,
        paused,
        heldRevision,
        false,
        Optional.empty(),
        Map.of());
  }

  public WorkloadState(String hash, List<String> images, boolean available, String availability) {
    this(hash, images, available, availability, false, Optional.empty());
  }

  /** Paused by Rollguard's hold (a pause someone else set is theirs to lift). */
  public boolean heldByRollguard() {
    return paused && heldRevision.isPresent();
  }

  /** This state with what the reconciler read of the Deployment's ReplicaSets. */
  public WorkloadState withReplicaSets(
      Optional<PreviousRevision> previous, Map<String, String> podTemplateHashes) {
    return new WorkloadState(
        hash,
        images,
        available,
        availability,
        paused,
        heldRevision,
        rollingOut,
        previous,
        Map.copyOf(podTemplateHashes));
  }

  /**
   * An older ReplicaSet's revision, seen while the Deployment rolls out a newer one.
   *
   * @param rolloutStartedAt when the current revision's ReplicaSet was created (the deploy time)
   */
  public record PreviousRevision(
      String hash, List<String> images, String replicaSet, Instant rolloutStartedAt) {}
}
