package dev.rollguard.operator.reconcile;

import java.time.Duration;

/** A side effect the reconciler carries out for a decision. */
public sealed interface Action {

  /** Store the Deployment's current template as a ControllerRevision owned by the Rollout. */
  record SaveStableRevision(String hash, String controllerRevision) implements Action {}

  /** Put the template of this ControllerRevision back into the Deployment (the rollback itself). */
  record RestoreTemplate(String controllerRevision, String hash) implements Action {}

  /** Pause the Deployment so a failed template applied again cannot roll out (marked as Rollguard's). */
  record HoldDeployment(String failedHash) implements Action {}

  /** Lift Rollguard's pause (only a pause Rollguard set). */
  record ReleaseHold() implements Action {}

  /** A Kubernetes Event on the Rollout, and on the Deployment too when {@code alsoOnWorkload}. */
  record Emit(boolean warning, String reason, String message, boolean alsoOnWorkload) implements Action {}

  /** Remove the request annotations that were handled. */
  record ClearRequests() implements Action {}

  record CountRollback(String guard, String mode, Duration detection) implements Action {}

  record CountPromotion() implements Action {}
}
