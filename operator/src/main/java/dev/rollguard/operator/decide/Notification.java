package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.GuardStatus;
import dev.rollguard.operator.api.NotificationKind;
import dev.rollguard.operator.api.PendingRollback;
import dev.rollguard.operator.api.Revision;
import dev.rollguard.operator.api.RollbackSpec;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus;
import java.time.Instant;
import java.util.List;

/**
 * A decision worth telling people outside the cluster (a rollback, a hold, a failed recovery, a
 * promotion, a failed rollback), with what a receiver needs to act on it without opening
 * Kubernetes. Built by the decision core; sent to the Rollout's notification targets only after the
 * status write that records the decision.
 *
 * @param revision the revision it is about: the failed one (rolled back, held, not recovered,
 *     rollback failed) or the promoted one
 * @param stableRevision the stable revision: the one rolled back to, the one that keeps serving, or
 *     for a promotion the one that was stable before
 * @param breach the guard that failed, when a guard decided it
 * @param mode {@code Automatic} or {@code DryRun} (a rollback that was only reported)
 */
public record Notification(
    NotificationKind kind,
    String namespace,
    String rollout,
    String deployment,
    Instant at,
    String message,
    String mode,
    Breach breach,
    RevisionRef revision,
    RevisionRef stableRevision) {

  /** The guard behind the decision, its value and bounds as the status shows them. */
  public record Breach(String guard, Double value, String threshold, Double baseline) {}

  /** A revision: the hash of its pod template and its images. */
  public record RevisionRef(String hash, List<String> images) {
    public RevisionRef {
      images = images == null ? List.of() : List.copyOf(images);
    }

    public static RevisionRef of(Revision revision) {
      return revision == null ? null : new RevisionRef(revision.hash, revision.images);
    }
  }

  /**
   * Restoring the stable template failed: told from the Rollout's status, which holds the pending
   * rollback (this happens outside a decision, when the restore throws).
   */
  public static Notification rollbackFailed(Rollout rollout, String message, Instant at) {
    RolloutStatus status = rollout.getStatus();
    PendingRollback pending = status == null ? null : status.pendingRollback;
    Breach breach = null;
    if (pending != null && pending.guard != null) {
      GuardStatus measured =
          status.analysis == null || status.analysis.guards == null
              ? null
              : GuardRound.find(status.analysis, pending.guard);
      breach =
          new Breach(
              pending.guard,
              pending.value,
              pending.threshold,
              measured == null ? null : measured.baseline);
    }
    boolean dryRun =
        rollout.getSpec().rollback != null
            && rollout.getSpec().rollback.mode == RollbackSpec.Mode.DryRun;
    return new Notification(
        NotificationKind.RollbackFailed,
        rollout.getMetadata().getNamespace(),
        rollout.getMetadata().getName(),
        rollout.getSpec().workloadRef.name,
        Times.millis(at),
        message,
        dryRun ? "DryRun" : "Automatic",
        breach,
        status == null ? null : RevisionRef.of(status.currentRevision),
        status == null ? null : RevisionRef.of(status.stableRevision));
  }

  public boolean dryRun() {
    return "DryRun".equals(mode);
  }
}
