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
   * With {@code resume}, the same patch lifts Rollguard's canary pause, so the controller rolls
   * back at once and no restart can leave a resumed Deployment with the failed template. {@code
   * cause} is only the wording of the Deployment's change-cause annotation: two restores of the
   * same revision are the same change, so equality leaves it out.
   */
  record RestoreTemplate(String controllerRevision, String hash, String cause, boolean resume)
      implements Change {
    public RestoreTemplate(String controllerRevision, String hash) {
      this(controllerRevision, hash, "", false);
    }

    public RestoreTemplate(String controllerRevision, String hash, String cause) {
      this(controllerRevision, hash, cause, false);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof RestoreTemplate that
          && controllerRevision.equals(that.controllerRevision)
          && hash.equals(that.hash)
          && resume == that.resume;
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

  /**
   * Pause the Deployment at a canary step (marked as Rollguard's canary pause, with the revision
   * and the step).
   */
  record PauseCanary(String revision, String step) implements Change {}

  /** Lift Rollguard's canary pause (only a canary pause Rollguard set). */
  record ResumeCanary() implements Change {}

  /** Remove the request annotations that were handled. */
  record ClearRequests() implements Change {}
}
