package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.ConditionType;
import dev.rollguard.operator.api.Conditions;
import dev.rollguard.operator.api.Stage;
import java.util.Optional;

/**
 * The stages that stop guarding before it starts: a spec the operator cannot use, another Rollout
 * already guarding the Deployment, or no Deployment. Each is told once, as a Warning event, and
 * stays visible in phase and conditions until it lifts.
 */
final class Gates {

  private Gates() {}

  static Optional<Transition> check(DecisionContext ctx, Stage from) {
    Optional<String> invalid = SpecValidator.problem(ctx.spec);
    if (invalid.isPresent()) {
      return Optional.of(invalidSpec(ctx, from, invalid.get()));
    }
    if (ctx.observation.guardedBy().isPresent()) {
      return Optional.of(conflict(ctx, from, ctx.observation.guardedBy().get()));
    }
    if (ctx.observation.workload().isEmpty()) {
      return Optional.of(workloadMissing(ctx, from));
    }
    return Optional.empty();
  }

  /** Told once per generation: a new generation with the same mistake is told again. */
  private static Transition invalidSpec(DecisionContext ctx, Stage from, String problem) {
    String message = "invalid spec, the Deployment is NOT guarded: " + problem;
    var ready = Conditions.find(ctx.status, ConditionType.Ready);
    boolean told =
        from == Stage.InvalidSpec
            && ready != null
            && message.equals(ready.getMessage())
            && ready.getObservedGeneration() != null
            && ready.getObservedGeneration() == ctx.generation();
    if (!told) {
      ctx.warning("InvalidSpec", message, false);
    }
    return told
        ? Transition.stay(Stage.InvalidSpec)
        : Transition.to(Stage.InvalidSpec, "InvalidSpec", message);
  }

  private static Transition conflict(DecisionContext ctx, Stage from, String other) {
    String message =
        "Deployment "
            + ctx.workloadName()
            + " is already guarded by Rollout "
            + other
            + "; this Rollout does nothing until that one is deleted";
    if (from == Stage.Conflict && message.equals(ctx.status.message)) {
      return Transition.stay(Stage.Conflict);
    }
    ctx.warning("Conflict", message, false);
    return Transition.to(Stage.Conflict, "Conflict", message);
  }

  private static Transition workloadMissing(DecisionContext ctx, Stage from) {
    String message =
        "Deployment "
            + ctx.workloadName()
            + " not found in namespace "
            + ctx.rollout.getMetadata().getNamespace();
    if (from == Stage.WorkloadMissing) {
      return Transition.stay(Stage.WorkloadMissing);
    }
    ctx.warning("WorkloadNotFound", message, false);
    return Transition.to(Stage.WorkloadMissing, "NotFound", message);
  }
}
