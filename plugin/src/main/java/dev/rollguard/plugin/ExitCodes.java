package dev.rollguard.plugin;

/** The plugin's exit codes, the same for every command, so scripts and CI jobs can gate on them. */
final class ExitCodes {

  /** Done; for {@code status}: the Rollout is Healthy. */
  static final int OK = 0;

  /**
   * The Rollout is not healthy: rolled back, holding a failed revision, in error, or not guarding
   * its Deployment; for a request: the operator declined it.
   */
  static final int NOT_HEALTHY = 1;

  /** The command line is wrong. */
  static final int USAGE = 2;

  /** Still undecided (Pending, Analysing, RollingBack), or a wait ran out of time. */
  static final int UNDECIDED = 3;

  /** The cluster could not be read or written (not found, forbidden, unreachable). */
  static final int CLUSTER = 4;

  private ExitCodes() {}
}
