package dev.rollguard.operator.decide;

import static dev.rollguard.operator.decide.DeciderFixture.NEXT;
import static dev.rollguard.operator.decide.DeciderFixture.STABLE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.CanarySpec;
import dev.rollguard.operator.api.CanaryStatus;
import dev.rollguard.operator.api.RolloutStatus.Phase;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The canary stage: pause at each step's share, analyse, resume; breach, restart, DryRun. */
class CanaryStagesTest {

  private final DeciderFixture f = new DeciderFixture();
  private long generation = 10;

  @BeforeEach
  void twoSteps() {
    CanarySpec canary = new CanarySpec();
    canary.steps = List.of(step(CanarySpec.Pause.FIRST_BATCH, "2m"), step("50%", "5m"));
    f.rollout.getSpec().canary = canary;
  }

  private static CanarySpec.CanaryStep step(String until, String analysis) {
    CanarySpec.CanaryStep step = new CanarySpec.CanaryStep();
    step.pause = new CanarySpec.Pause(until, analysis);
    return step;
  }

  /** NEXT rolling out on a 10-replica Deployment: {@code pods} run it. */
  private WorkloadState next(int pods, boolean pausedByCanary) {
    return new WorkloadState(NEXT.hash(), NEXT.images(), pods == 10, pods + "/10 updated")
        .withPods(10, pods)
        .withCanaryPause(
            pausedByCanary, pausedByCanary ? Optional.of(NEXT.hash()) : Optional.empty())
        .withGeneration(generation);
  }

  private CanaryStatus canary() {
    return f.rollout.getStatus().canary;
  }

  /** Adopts STABLE, deploys NEXT (no pod yet) with a baseline of 20. */
  private void deploy() {
    f.step(STABLE.withPods(10, 10));
    f.advance(Duration.ofMinutes(1));
    f.step(next(0, false));
    f.step(next(0, false), f.values(Purpose.BASELINE, NEXT.hash(), 20));
  }

  /** The first batch is there: paused at step 1 (the pause raises the generation). */
  private void pausedAtFirstStep() {
    deploy();
    f.step(next(1, false));
    generation++;
  }

  /** Measures {@code value} at each due round until {@code duration} has passed. */
  private void measureFor(Duration duration, double value, int pods, boolean paused) {
    var end = f.clock.instant().plus(duration);
    while (f.clock.instant().isBefore(end) && f.last.measurement().isPresent()) {
      f.advanceToMeasurement();
      f.step(next(pods, paused), f.values(Purpose.ANALYSIS, NEXT.hash(), value));
    }
  }

  @Test
  void aNewRevisionEntersTheCanaryAndWaitsForItsFirstPods() {
    deploy();
    assertThat(f.rollout.getStatus().stage).isEqualTo(Stage.Canary);
    assertThat(f.rollout.getStatus().phase).isEqualTo(Phase.Analysing);
    assertThat(canary().step).isEqualTo("1/2");
    assertThat(canary().state).isEqualTo(CanaryStatus.State.Progressing);
    assertThat(f.allActions(Change.PauseCanary.class)).isEmpty();
    assertThat(f.rollout.getStatus().message).contains("step 1/2").contains("first batch");
  }

  @Test
  void theFirstBatchPausesTheDeploymentAndTheMessageTellsTheStep() {
    pausedAtFirstStep();
    assertThat(f.actions(Change.PauseCanary.class))
        .containsExactly(new Change.PauseCanary(NEXT.hash(), "1/2"));
    assertThat(canary().state).isEqualTo(CanaryStatus.State.Paused);
    assertThat(canary().pods).isEqualTo(1);
    assertThat(f.rollout.getStatus().message)
        .isEqualTo("step 1/2: 1 of 10 pods on " + NEXT.hash() + ", paused, analysing 2m");
    assertThat(f.eventReasons()).contains("CanaryPaused").doesNotContain("CanaryTooLate");
  }

  @Test
  void aPauseThatLandsAfterTheRollingUpdateReachedEveryPodWarnsThatTheStepIsNoCanary() {
    deploy();
    f.step(next(10, false));
    assertThat(canary().state).isEqualTo(CanaryStatus.State.Paused);
    assertThat(canary().pods).isEqualTo(10);
    assertThat(f.eventReasons()).contains("CanaryPaused", "CanaryTooLate");
    assertThat(
            f.actions(Notice.Event.class).stream()
                .filter(e -> e.reason().equals("CanaryTooLate"))
                .findFirst()
                .orElseThrow()
                .message())
        .isEqualTo(
            "canary step 1/2 asks for 1 of 10 pods, but the rolling update of Deployment web"
                + " had reached all 10 before the pause landed: the step analyses the whole"
                + " rollout. New pods became available faster than Rollguard could pause;"
                + " minReadySeconds or a readiness probe gives it time");
  }

  @Test
  void aHealthyCanaryGoesThroughBothStepsAndIsPromotedAfterTheBake() {
    pausedAtFirstStep();
    measureFor(Duration.ofMinutes(1), 20, 1, true);
    assertThat(f.allActions(Change.ResumeCanary.class)).as("not before 2m").isEmpty();
    measureFor(Duration.ofMinutes(1).plusSeconds(15), 20, 1, true);
    assertThat(f.allActions(Change.ResumeCanary.class)).isNotEmpty();
    assertThat(canary().step).isEqualTo("2/2");
    assertThat(canary().targetPods).isEqualTo(5);
    assertThat(canary().state).isEqualTo(CanaryStatus.State.Progressing);

    f.step(next(3, false));
    assertThat(canary().state).as("3 of 5 pods").isEqualTo(CanaryStatus.State.Progressing);
    f.step(next(5, false));
    generation++;
    assertThat(f.actions(Change.PauseCanary.class))
        .containsExactly(new Change.PauseCanary(NEXT.hash(), "2/2"));
    measureFor(Duration.ofMinutes(5).plusSeconds(15), 20, 5, true);
    assertThat(f.rollout.getStatus().stage).isEqualTo(Stage.Analysing);
    assertThat(f.rollout.getStatus().canary).isNull();
    assertThat(f.rollout.getStatus().analysis.fullRolloutAt).isNotNull();
    assertThat(f.allActions(Change.ResumeCanary.class)).hasSizeGreaterThanOrEqualTo(2);

    // The bake (5m) counts from the full rollout, not from the deploy 8 minutes ago.
    measureFor(Duration.ofMinutes(4), 20, 10, false);
    assertThat(f.rollout.getStatus().stage).isEqualTo(Stage.Analysing);
    measureFor(Duration.ofMinutes(1).plusSeconds(15), 20, 10, false);
    assertThat(f.rollout.getStatus().stage).isEqualTo(Stage.Stable);
    assertThat(f.rollout.getStatus().stableRevision.hash).isEqualTo(NEXT.hash());
  }

  @Test
  void aBreachingCanaryIsRolledBackAndTheRestoreLiftsThePauseInTheSamePatch() {
    pausedAtFirstStep();
    measureFor(Duration.ofSeconds(45), 200, 1, true);
    assertThat(f.rollout.getStatus().stage).isEqualTo(Stage.RollingBack);
    assertThat(f.rollout.getStatus().pendingRollback.message).startsWith("at canary step 1/2");
    assertThat(f.allActions(Change.ResumeCanary.class)).as("never resumed").isEmpty();
    f.step(next(1, true));
    assertThat(f.actions(Change.RestoreTemplate.class))
        .singleElement()
        .satisfies(restore -> assertThat(restore.resume()).isTrue());
    assertThat(f.rollout.getStatus().canary).isNull();
  }

  @Test
  void aRestartAfterThePauseFindsTheDeploymentPausedAndDoesNotPauseAgain() {
    deploy();
    // The pause was made, the status write was lost: the status still says Progressing.
    generation++;
    f.step(next(1, true));
    assertThat(f.actions(Change.PauseCanary.class)).isEmpty();
    assertThat(canary().state).isEqualTo(CanaryStatus.State.Paused);
  }

  @Test
  void aStaleViewOfTheDeploymentFromBeforeThePauseIsNotTakenForSomeoneResumingIt() {
    pausedAtFirstStep();
    generation--; // the informer has not delivered the paused Deployment yet
    f.step(next(1, false));
    assertThat(canary().state).isEqualTo(CanaryStatus.State.Paused);
    assertThat(canary().step).isEqualTo("1/2");
    assertThat(f.eventReasons()).doesNotContain("CanaryResumedElsewhere");
  }

  @Test
  void someoneElseResumingThePausedStepMovesOnToTheNextStep() {
    pausedAtFirstStep();
    generation++;
    f.step(next(1, false));
    assertThat(f.eventReasons()).contains("CanaryResumedElsewhere");
    assertThat(canary().step).isEqualTo("2/2");
  }

  @Test
  void aPauseOfAnOlderStepIsLiftedUntilTheNewStepsPodsAreThere() {
    deploy();
    f.step(next(0, true));
    assertThat(f.actions(Change.ResumeCanary.class)).hasSize(1);
  }

  @Test
  void aStepNotReachedWithinTheProgressDeadlineRollsBack() {
    deploy();
    f.advance(Duration.ofMinutes(3));
    f.step(next(0, false));
    assertThat(f.rollout.getStatus().stage).isEqualTo(Stage.RollingBack);
    assertThat(f.rollout.getStatus().pendingRollback.reason).isEqualTo("ProgressDeadlineExceeded");
  }

  @Test
  void aPausedStepIsNeverCutShortByTheProgressDeadline() {
    pausedAtFirstStep();
    f.rollout.getSpec().canary.steps.get(0).pause.analysis = "10m";
    measureFor(Duration.ofMinutes(6), 20, 1, true);
    assertThat(f.rollout.getStatus().stage).isEqualTo(Stage.Canary);
  }

  @Test
  void promoteSkipsTheRemainingStepsAndLiftsThePause() {
    pausedAtFirstStep();
    f.requests = new Requests(true, false, false);
    f.step(next(1, true));
    assertThat(f.actions(Change.ResumeCanary.class)).hasSize(1);
    assertThat(f.rollout.getStatus().stableRevision.hash).isEqualTo(NEXT.hash());
    assertThat(f.rollout.getStatus().canary).isNull();
  }

  @Test
  void dryRunReportsEachStepAndNeverPauses() {
    f.dryRun();
    deploy();
    f.step(next(1, false));
    assertThat(f.eventReasons()).contains("DryRunCanaryStep");
    f.step(next(6, false));
    assertThat(f.rollout.getStatus().stage).isEqualTo(Stage.Analysing);
    assertThat(f.allActions(Change.PauseCanary.class)).isEmpty();
    assertThat(f.allActions(Change.ResumeCanary.class)).isEmpty();
  }

  @Test
  void goingBackToTheStableTemplateDuringAPauseLiftsIt() {
    pausedAtFirstStep();
    f.step(
        STABLE
            .withPods(10, 10)
            .withCanaryPause(true, Optional.of(NEXT.hash()))
            .withGeneration(generation + 1));
    assertThat(f.actions(Change.ResumeCanary.class)).hasSize(1);
    assertThat(f.rollout.getStatus().stage).isEqualTo(Stage.Stable);
    assertThat(f.rollout.getStatus().canary).isNull();
  }

  @Test
  void aDeploymentScaledToZeroHasNoCanary() {
    f.step(STABLE.withPods(0, 0));
    f.advance(Duration.ofMinutes(1));
    f.step(NEXT.withPods(0, 0));
    assertThat(f.rollout.getStatus().stage).isEqualTo(Stage.Analysing);
  }

  @Test
  void aStepAlreadyOvershotByThePreviousOneStaysPaused() {
    f.rollout.getSpec().canary.steps = List.of(step("10%", "1m"), step("20%", "1m"));
    deploy();
    f.step(next(2, false));
    generation++;
    assertThat(f.eventReasons()).contains("CanaryPaused");
    measureFor(Duration.ofMinutes(1).plusSeconds(15), 20, 2, true);
    assertThat(canary().step).isEqualTo("2/2");
    assertThat(canary().state).isEqualTo(CanaryStatus.State.Paused);
    assertThat(f.allActions(Change.ResumeCanary.class)).isEmpty();
  }

  @Test
  void stepsOutOfOrderAreInvalid() {
    f.rollout.getSpec().canary.steps = List.of(step("50%", "1m"), step("firstBatch", "1m"));
    f.step(STABLE);
    assertThat(f.rollout.getStatus().stage).isEqualTo(Stage.InvalidSpec);
    assertThat(f.rollout.getStatus().message).contains("spec.canary.steps[1].pause.until");
  }

  @Test
  void aStepThatDoesNotGrowOrHasNoAnalysisTimeIsInvalid() {
    f.rollout.getSpec().canary.steps = List.of(step("30%", "1m"), step("30%", "1m"));
    f.step(STABLE);
    assertThat(f.rollout.getStatus().message)
        .contains("spec.canary.steps[1].pause.until: 30% must be above the previous step's 30%");

    f.rollout.getSpec().canary.steps = List.of(step("30%", null));
    f.rollout.getMetadata().setGeneration(4L);
    f.step(STABLE);
    assertThat(f.rollout.getStatus().message).contains("spec.canary.steps[0].pause.analysis");
  }

  @Test
  void aResumeMadeBeforeARestartLostItsStatusIsNotTakenForSomeoneElses() {
    pausedAtFirstStep();
    measureFor(Duration.ofSeconds(100), 20, 1, true);
    assertThat(canary().step).isEqualTo("1/2");
    // The step ends with the next round; its resume is made, the status write is lost, and
    // the restarted operator sees the Deployment running again under the old status.
    f.clock.set(canary().since.plus(Duration.ofMinutes(2)));
    generation++;
    f.step(next(1, false), f.values(Purpose.ANALYSIS, NEXT.hash(), 20));
    assertThat(f.eventReasons()).doesNotContain("CanaryResumedElsewhere");
    assertThat(canary().step).isEqualTo("2/2");
  }
}
