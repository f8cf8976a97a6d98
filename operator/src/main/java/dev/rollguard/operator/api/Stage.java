package dev.rollguard.operator.api;

import dev.rollguard.operator.api.RolloutStatus.Phase;

/**
 * Where a Rollout stands in guarding its Deployment. The decision core derives it from the status,
 * runs the one handler of that stage, and writes phase and conditions from the stage it ends in.
 * {@link #phase()} is the coarse summary that {@code kubectl get} shows.
 */
public enum Stage {
  /** First sight of the Deployment: its proven revision becomes stable. */
  Adopting(Phase.Pending),
  /** A new revision is measured against the guards until it bakes clean or breaches. */
  Analysing(Phase.Analysing),
  /**
   * A new revision rolls out in canary steps: the Deployment is paused at each step's share of pods
   * while the new pods are analysed, and resumed when the step passes.
   */
  Canary(Phase.Analysing),
  /** A rollback is decided and persisted; the next step restores the stable template. */
  RollingBack(Phase.RollingBack),
  /** Rolled back; the guards must come back within bounds. */
  VerifyingRecovery(Phase.RolledBack),
  /** Rolled back and settled (recovered, or reported in DryRun mode). */
  RolledBack(Phase.RolledBack),
  /** Rolled back, but the guards stayed out of bounds: reported, never rolled back again. */
  NotRecovered(Phase.RolledBack),
  /** Promoted, and still guarded during the post-promotion window. */
  GuardingAfterPromotion(Phase.Healthy),
  /** The Deployment runs the stable revision. */
  Stable(Phase.Healthy),
  /** A failed revision was applied again and is held back (the Deployment stays paused). */
  Holding(Phase.Holding),
  /** Another Rollout already guards the Deployment: this one does nothing. */
  Conflict(Phase.Error),
  /** The Deployment does not exist (yet). */
  WorkloadMissing(Phase.Pending),
  /** A spec value the operator cannot use: nothing is guarded until it is fixed. */
  InvalidSpec(Phase.Error);

  private final Phase phase;

  Stage(Phase phase) {
    this.phase = phase;
  }

  public Phase phase() {
    return phase;
  }

  /** Stages decided by what the operator sees around the Rollout, before any guarding. */
  public boolean isGate() {
    return this == Conflict || this == WorkloadMissing || this == InvalidSpec;
  }
}
