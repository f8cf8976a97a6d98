package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.AnalysisStatus;
import dev.rollguard.operator.api.ConditionStatus;
import dev.rollguard.operator.api.ConditionType;
import dev.rollguard.operator.api.Conditions;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.api.Stage;

/** The stage a status is in. */
final class Stages {

  private Stages() {}

  /**
   * The recorded stage; for a status written before stages were recorded, derived from its fields.
   */
  static Stage of(RolloutStatus status) {
    if (status.stage != null) {
      return status.stage;
    }
    if (status.phase == Phase.Error) {
      return Stage.Conflict;
    }
    if (status.phase == Phase.Pending && status.stableRevision != null) {
      return Stage.WorkloadMissing;
    }
    if (status.phase == Phase.RolledBack) {
      if (status.pendingRollback == null
          && status.analysis != null
          && status.analysis.kind == AnalysisStatus.Kind.Recovery) {
        var recovered = Conditions.find(status, ConditionType.Recovered);
        if (recovered == null || ConditionStatus.Unknown.name().equals(recovered.getStatus())) {
          return Stage.VerifyingRecovery;
        }
        return ConditionStatus.False.name().equals(recovered.getStatus())
            ? Stage.NotRecovered
            : Stage.RolledBack;
      }
      return status.pendingRollback != null ? Stage.RollingBack : Stage.RolledBack;
    }
    if (status.phase == Phase.Holding) {
      return Stage.Holding;
    }
    return resume(status);
  }

  /** Where guarding resumes after a gate (conflict, missing Deployment, invalid spec) lifts. */
  static Stage resume(RolloutStatus status) {
    if (status.stableRevision == null) {
      return Stage.Adopting;
    }
    if (status.pendingRollback != null) {
      return Stage.RollingBack;
    }
    AnalysisStatus analysis = status.analysis;
    if (analysis != null
        && analysis.kind == AnalysisStatus.Kind.PostPromotion
        && status.previousStableRevision != null) {
      return Stage.GuardingAfterPromotion;
    }
    boolean analysingCurrent =
        analysis != null
            && analysis.kind == AnalysisStatus.Kind.Analysis
            && status.currentRevision != null
            && analysis.revision != null
            && analysis.revision.equals(status.currentRevision.hash)
            && !status.currentRevision.hash.equals(status.stableRevision.hash);
    if (analysingCurrent
        && status.canary != null
        && status.currentRevision.hash.equals(status.canary.revision)) {
      return Stage.Canary;
    }
    return analysingCurrent ? Stage.Analysing : Stage.Stable;
  }
}
