package dev.rollguard.operator.decide.guard;

import dev.rollguard.operator.api.GuardStatus.Verdict;

/**
 * The verdict on one measured value of a guard.
 *
 * @param threshold the bounds in force, as people read them: "<= 150, <= 120 (baseline 80 + 50%)"
 * @param reason why it breached or was inconclusive; empty when it passed
 */
public record GuardEvaluation(Verdict verdict, String threshold, String reason) {}
