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
 * @param replicas the desired replicas
 * @param updatedReplicas pods of the current template (the Deployment's status.updatedReplicas), or
 *     {@link #UNKNOWN} while the Deployment controller has not seen the latest spec
 * @param canaryPause the hash of the revision whose canary step paused the Deployment, when the
 *     pause is Rollguard's canary pause
 * @param generation the Deployment's metadata.generation
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
    Map<String, String> podTemplateHashes,
    int replicas,
    int updatedReplicas,
    Optional<String> canaryPause,
    long generation) {

  /**
   * The Deployment annotation that marks a pause as Rollguard's hold (its value: the held hash).
   */
  public static final String HELD_REVISION = "rollguard.dev/held-revision";

  /** {@link #updatedReplicas} before the Deployment controller has counted them. */
  public static final int UNKNOWN = -1;

  /**
   * The Deployment annotation that marks a pause as a canary step of Rollguard's (its value: the
   * revision's hash and the step).
   */
  public static final String CANARY_PAUSE = "rollguard.dev/canary-pause";

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
        Map.of(),
        1,
        available ? 1 : 0,
        Optional.empty(),
        1);
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
    return with(
        paused,
        previous,
        Map.copyOf(podTemplateHashes),
        replicas,
        updatedReplicas,
        canaryPause,
        generation);
  }

  /** This state with {@code updated} of {@code replicas} pods on the current template. */
  public WorkloadState withPods(int replicas, int updated) {
    return with(paused, previous, podTemplateHashes, replicas, updated, canaryPause, generation);
  }

  /** This state at another Deployment generation. */
  public WorkloadState withGeneration(long generation) {
    return with(
        paused, previous, podTemplateHashes, replicas, updatedReplicas, canaryPause, generation);
  }

  /** This state paused (or not) by a canary step of the revision {@code hash}. */
  public WorkloadState withCanaryPause(boolean paused, Optional<String> hash) {
    return with(paused, previous, podTemplateHashes, replicas, updatedReplicas, hash, generation);
  }

  /** A copy with the fields that observation adds or tests vary; the template's stay. */
  private WorkloadState with(
      boolean paused,
      Optional<PreviousRevision> previous,
      Map<String, String> podTemplateHashes,
      int replicas,
      int updated,
      Optional<String> canaryPause,
      long generation) {
    return new WorkloadState(
        hash,
        images,
        available,
        availability,
        paused,
        heldRevision,
        rollingOut,
        previous,
        podTemplateHashes,
        replicas,
        updated,
        canaryPause,
        generation);
  }

  /** Paused by one of Rollguard's canary steps. */
  public boolean pausedByCanary() {
    return paused && canaryPause.isPresent();
  }

  /**
   * An older ReplicaSet's revision, seen while the Deployment rolls out a newer one.
   *
   * @param rolloutStartedAt when the current revision's ReplicaSet was created (the deploy time)
   */
  public record PreviousRevision(
      String hash, List<String> images, String replicaSet, Instant rolloutStartedAt) {}
}
