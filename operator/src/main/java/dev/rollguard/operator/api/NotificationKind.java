package dev.rollguard.operator.api;

/** What a notification is about: the decisions people want to hear of without watching events. */
public enum NotificationKind {
  /** A revision was rolled back (in DryRun: would have been). */
  RolledBack,
  /** A failed revision was applied again and is held back. */
  Held,
  /** The guards did not come back within bounds after a rollback. */
  NotRecovered,
  /** A revision passed analysis and became stable. */
  Promoted,
  /** Restoring the stable template failed; the rollback is retried. */
  RollbackFailed
}
