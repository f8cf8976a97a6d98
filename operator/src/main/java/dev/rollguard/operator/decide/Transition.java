package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.Stage;

/**
 * What a stage handler returns: the stage the Rollout is in afterwards and, when it entered that
 * stage (or says something new), why. The {@link StageStatusWriter} turns it into phase, message
 * and conditions.
 *
 * @param next the stage after this decision
 * @param reason a condition reason for the entry (e.g. {@code Promoted}, {@code GuardBreached});
 *     null when staying
 * @param message the Rollout's one-line message; null keeps the current one
 * @param detail the message of the condition that the entry sets; defaults to {@code message}
 */
public record Transition(Stage next, String reason, String message, String detail) {

  static Transition stay(Stage stage) {
    return new Transition(stage, null, null, null);
  }

  static Transition to(Stage next, String reason, String message) {
    return new Transition(next, reason, message, message);
  }

  static Transition to(Stage next, String reason, String message, String detail) {
    return new Transition(next, reason, message, detail);
  }

  boolean says() {
    return message != null;
  }
}
