package dev.rollguard.operator.decide;

import java.util.Optional;

/**
 * A change to an object in the cluster that a decision asks for. Changes are made before the status
 * that records them is written; each is idempotent, so a restart that makes one again does no harm.
 */
public sealed interface Change {

  /**
   * Store a template as a ControllerRevision owned by the Rollout: the Deployment's current
   * template, or, when {@code fromReplicaSet} is given, that ReplicaSet's (adopting the revision
   * that served before a rollout caught in flight).
   */
  record SaveStableRevision(String hash, String controllerRevision, Optional<String> fromReplicaSet)
      implements Change {
    public SaveStableRevision(String hash, String controllerRevision) {
      this(hash, controllerRevision, Optional.empty());
    }
  }

  /**
   * Put the template of this ControllerRevision back into the Deployment (the rollback itself).
   * {@code cause} is only the wording of the Deployment's change-cause annotation: two restores of
   * the same revision are the same change, so equality leaves it out.
   */
  record RestoreTemplate(String controllerRevision, String hash, String cause) implements Change {
    public RestoreTemplate(String controllerRevision, String hash) {
      this(controllerRevision, hash, "");
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof RestoreTemplate that
          && controllerRevision.equals(that.controllerRevision)
          && hash.equals(that.hash);
    }

    @Override
    public int hashCode() {
      return controllerRevision.hashCode() * 31 + hash.hashCode();
    }
  }

  /**
   * Pause the Deployment so a failed template applied again cannot roll out (marked as
   * Rollguard's).
   */
  record HoldDeployment(String failedHash) implements Change {}

  /** Lift Rollguard's pause (only a pause Rollguard set). */
  record ReleaseHold() implements Change {}

  /** Remove the request annotations that were handled. */
  record ClearRequests() implements Change {}
}
