package dev.rollguard.operator.api;

/** The conditions a Rollout reports. */
public enum ConditionType {
  /** The Deployment is guarded and runs a revision Rollguard trusts. */
  Ready,
  /** A new revision is under analysis. */
  Analysing,
  /** The last revision was rolled back (False/DryRun: it would have been). */
  RolledBack,
  /** The guards came back within bounds after the rollback. */
  Recovered,
  /** The last measurement had data for every guard. */
  MetricsAvailable,
  /** The Deployment exists. */
  WorkloadFound
}
