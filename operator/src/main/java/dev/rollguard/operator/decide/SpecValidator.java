package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.AnalysisSpec;
import dev.rollguard.operator.api.CanarySpec;
import dev.rollguard.operator.api.CompareSpec;
import dev.rollguard.operator.api.Durations;
import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.QueryVariables;
import dev.rollguard.operator.api.RolloutSpec;
import dev.rollguard.operator.decide.guard.Increase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the CRD schema cannot fully check, checked by the operator: every value it will use must
 * parse and make sense. A problem names the field and the value, and becomes stage InvalidSpec
 * instead of an exception on every reconcile.
 */
final class SpecValidator {

  private SpecValidator() {}

  static Optional<String> problem(RolloutSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null || spec.workloadRef == null || blank(spec.workloadRef.name)) {
      return Optional.of("spec.workloadRef.name: a Deployment name is required");
    }
    AnalysisSpec analysis = spec.analysis != null ? spec.analysis : new AnalysisSpec();
    duration(problems, "spec.analysis.initialDelay", analysis.initialDelay, false);
    duration(problems, "spec.analysis.interval", analysis.interval, true);
    duration(problems, "spec.analysis.bakeTime", analysis.bakeTime, true);
    duration(problems, "spec.analysis.progressDeadline", analysis.progressDeadline, true);
    duration(problems, "spec.analysis.postPromotionWindow", analysis.postPromotionWindow, false);
    positive(problems, "spec.analysis.failureLimit", analysis.failureLimit);
    positive(problems, "spec.analysis.inconclusiveLimit", analysis.inconclusiveLimit);
    if (spec.prometheus != null) {
      duration(problems, "spec.prometheus.timeout", spec.prometheus.timeout, true);
    }
    guards(problems, spec.guards);
    canary(problems, spec.canary);
    return problems.stream().findFirst();
  }

  private static void guards(List<String> problems, List<GuardSpec> guards) {
    if (guards == null || guards.isEmpty()) {
      problems.add("spec.guards: at least one guard is required");
      return;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < guards.size(); i++) {
      GuardSpec guard = guards.get(i);
      String field = "spec.guards[" + i + "]";
      if (guard == null || blank(guard.name) || !names.add(guard.name)) {
        problems.add(
            field
                + ".name: "
                + (guard == null || blank(guard.name)
                    ? "required"
                    : "'" + guard.name + "' is used by another guard"));
        continue;
      }
      if (blank(guard.query)) {
        problems.add(field + ".query: required");
      }
      if (guard.max == null
          && guard.min == null
          && guard.maxIncrease == null
          && guard.exhaustion == null
          && guard.compare == null) {
        problems.add(
            field + ": needs at least one bound: max, min, maxIncrease, exhaustion or compare");
      }
      variables(problems, field + ".query", guard.query);
      compare(problems, field + ".compare", guard.compare);
      if (guard.min != null && guard.max != null && guard.min > guard.max) {
        problems.add(field + ".min: " + guard.min + " is greater than max " + guard.max);
      }
      if (guard.maxIncrease != null) {
        try {
          Increase.parse(guard.maxIncrease);
        } catch (RuntimeException e) {
          problems.add(field + ".maxIncrease: " + e.getMessage());
        }
      }
      if (guard.exhaustion != null) {
        if (guard.exhaustion.within == null) {
          problems.add(field + ".exhaustion.within: required");
        }
        duration(problems, field + ".exhaustion.within", guard.exhaustion.within, true);
        duration(problems, field + ".exhaustion.window", guard.exhaustion.window, true);
      }
    }
  }

  private static void canary(List<String> problems, CanarySpec canary) {
    if (canary == null) {
      return;
    }
    if (canary.steps == null || canary.steps.isEmpty()) {
      problems.add("spec.canary.steps: at least one step is required");
      return;
    }
    int previous = 0;
    for (int i = 0; i < canary.steps.size(); i++) {
      String field = "spec.canary.steps[" + i + "].pause";
      CanarySpec.CanaryStep step = canary.steps.get(i);
      if (step == null || step.pause == null) {
        problems.add(field + ": required");
        continue;
      }
      duration(problems, field + ".analysis", step.pause.analysis, true);
      if (step.pause.analysis == null) {
        problems.add(field + ".analysis: required");
      }
      String until = step.pause.until;
      if (CanarySpec.Pause.FIRST_BATCH.equals(until)) {
        if (i > 0) {
          problems.add(field + ".until: firstBatch can only be the first step");
        }
        continue;
      }
      int percent = percent(until);
      if (percent < 1 || percent > 100) {
        problems.add(
            field + ".until: '" + until + "' must be firstBatch or a percentage from 1% to 100%");
      } else if (percent <= previous) {
        problems.add(
            field + ".until: " + until + " must be above the previous step's " + previous + "%");
      }
      previous = Math.max(previous, percent);
    }
  }

  private static int percent(String until) {
    if (until == null || !until.matches("[0-9]{1,3}%")) {
      return -1;
    }
    return Integer.parseInt(until.substring(0, until.length() - 1));
  }

  private static void variables(List<String> problems, String field, String query) {
    List<String> unknown = QueryVariables.unknownIn(query);
    if (!unknown.isEmpty()) {
      problems.add(
          field + ": unknown variable {{" + unknown.get(0) + "}}; known: " + QueryVariables.KNOWN);
    }
  }

  private static void compare(List<String> problems, String field, CompareSpec compare) {
    if (compare == null) {
      return;
    }
    if (blank(compare.baseline)) {
      problems.add(field + ".baseline: required");
    }
    variables(problems, field + ".baseline", compare.baseline);
    if (compare.maxIncrease == null && compare.maxRatio == null) {
      problems.add(field + ": needs maxIncrease or maxRatio");
    }
    if (compare.maxRatio != null && !(compare.maxRatio > 0)) {
      problems.add(field + ".maxRatio: " + compare.maxRatio + " must be greater than 0");
    }
    if (compare.maxIncrease != null) {
      try {
        Increase.parse(compare.maxIncrease);
      } catch (RuntimeException e) {
        problems.add(field + ".maxIncrease: " + e.getMessage());
      }
    }
  }

  private static void duration(
      List<String> problems, String field, String value, boolean mustBePositive) {
    if (value == null) {
      return;
    }
    Duration parsed;
    try {
      parsed = Durations.parse(value);
    } catch (RuntimeException e) {
      problems.add(field + ": '" + value + "' is not a usable duration (" + e.getMessage() + ")");
      return;
    }
    // Durations.parse refuses what could overflow (the same limits as the CRD schema).
    if (mustBePositive && parsed.isZero()) {
      problems.add(field + ": '" + value + "' must be greater than zero");
    }
  }

  private static void positive(List<String> problems, String field, Integer value) {
    if (value != null && value < 1) {
      problems.add(field + ": " + value + " must be at least 1");
    }
  }

  private static boolean blank(String text) {
    return text == null || text.isBlank();
  }
}
