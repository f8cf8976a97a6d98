package dev.rollguard.operator.decide;

import java.time.Duration;

/**
 * What a decision tells people: Kubernetes Events and the operator's counters. Notices go out only
 * after the status write that records the decision succeeded, so a failed write followed by a retry
 * never announces or counts the same thing twice.
 */
public sealed interface Notice {

  /** A Kubernetes Event on the Rollout, and on the Deployment too when {@code alsoOnWorkload}. */
  record Event(boolean warning, String reason, String message, boolean alsoOnWorkload)
      implements Notice {}

  /** {@code rollguard_rollbacks_total} and {@code rollguard_detection_seconds}. */
  record RollbackCounted(String guard, String mode, Duration detection) implements Notice {}

  /** {@code rollguard_promotions_total}. */
  record PromotionCounted() implements Notice {}

  /** A message to the Rollout's notification targets (webhooks: Slack, CloudEvents). */
  record Notify(Notification notification) implements Notice {}
}
