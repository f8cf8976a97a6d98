package dev.rollguard.operator.decide;

import dev.rollguard.operator.api.Stage;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/**
 * Decides what a Rollout does next: a pure function of the observation (spec, status, Deployment,
 * measurements, requests) and the clock.
 *
 * <p>One decision: derive the stage from the status; check the gates (a spec the operator cannot
 * use, another Rollout on the Deployment, no Deployment); let the {@link RevisionWatch} see which
 * revision the Deployment runs (a new one starts analysis, a failed one is held); run the one
 * handler of the resulting stage; write stage, phase, message and conditions in one place ({@link
 * StageStatusWriter}).
 */
public final class RolloutDecider {

  private final Clock clock;
  private final Map<Stage, StageHandler> handlers = new EnumMap<>(Stage.class);

  public RolloutDecider(Clock clock) {
    this.clock = clock;
    SettledHandler settled = new SettledHandler();
    handlers.put(Stage.Adopting, new AdoptingHandler());
    handlers.put(Stage.Analysing, new AnalysingHandler());
    handlers.put(Stage.Canary, new CanaryHandler());
    handlers.put(Stage.RollingBack, new RollingBackHandler());
    handlers.put(Stage.VerifyingRecovery, new RecoveryHandler());
    handlers.put(Stage.GuardingAfterPromotion, new PostPromotionHandler());
    handlers.put(Stage.Stable, settled);
    handlers.put(Stage.RolledBack, settled);
    handlers.put(Stage.NotRecovered, settled);
    handlers.put(Stage.Holding, settled);
  }

  public Decision decide(Observation observation) {
    DecisionContext ctx = new DecisionContext(observation, clock.instant());
    Stage from = Stages.of(ctx.status);
    Transition transition = Gates.check(ctx, from).orElseGet(() -> guard(ctx, from));
    StageStatusWriter.write(ctx, from, transition);
    return ctx.decision();
  }

  private Transition guard(DecisionContext ctx, Stage from) {
    Stage stage = from.isGate() || from == Stage.Adopting ? Stages.resume(ctx.status) : from;
    if (stage == Stage.Adopting) {
      // Adoption may start analysing a revision caught mid-rollout: its handler asks for the
      // baseline.
      Transition adopted =
          handlers.get(Stage.Adopting).handle(ctx, Transition.stay(Stage.Adopting));
      Revisions.learnPodTemplateHashes(ctx);
      return handlers.get(adopted.next()).handle(ctx, adopted);
    }
    Transition entered =
        from != stage
            ? Transition.to(
                stage,
                "Resumed",
                "Deployment " + ctx.workloadName() + " is guarded again (" + stage + ")")
            : Transition.stay(stage);
    if (stage == Stage.RollingBack) {
      Transition rollingBack = handlers.get(Stage.RollingBack).handle(ctx, entered);
      if (!RollingBackHandler.CANCELLED.equals(rollingBack.reason())) {
        return rollingBack;
      }
      stage = rollingBack.next();
      entered = rollingBack;
    }
    takeRequests(ctx);
    Transition watched = RevisionWatch.observe(ctx, stage);
    Revisions.learnPodTemplateHashes(ctx);
    if (watched.next() != stage || watched.says()) {
      entered = watched;
    }
    return handlers.get(entered.next()).handle(ctx, entered);
  }

  /**
   * Handled requests are cleared from the annotations; a retry forgets the failed revisions first.
   */
  private static void takeRequests(DecisionContext ctx) {
    Requests requests = ctx.observation.requests();
    if (requests.any()) {
      ctx.change(new Change.ClearRequests());
    }
    if (!requests.retry()) {
      return;
    }
    if (ctx.status.failedRevisions.isEmpty()) {
      ctx.normal("RetryIgnored", "no failed revision to retry");
      return;
    }
    String hashes =
        String.join(", ", ctx.status.failedRevisions.stream().map(f -> f.hash).toList());
    ctx.status.failedRevisions.clear();
    String message = "failed revisions cleared on request (" + Requests.RETRY + "): " + hashes;
    ctx.history(dev.rollguard.operator.api.HistoryEntry.Type.Retried, null, message);
    ctx.normal("Retried", message);
  }
}
