package dev.rollguard.operator.measure;

/**
 * What a finished round may decide, judged from its results before its reconcile runs: it ranks
 * that reconcile. Being wrong the cautious way costs only order; every round is decided in full.
 */
public enum RoundKind {
  /** A guard's value breaches its bound: the round may roll back (or count towards it). */
  MAY_ROLL_BACK,
  /** Anything the decider did not say in advance would only refresh values. */
  MAY_DECIDE,
  /** Every guard passed again, as before: only values change, and their write is deferred. */
  QUIET;

  /** Whether the round may decide something (anything but quiet). */
  public boolean decisive() {
    return this != QUIET;
  }
}
