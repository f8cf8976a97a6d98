package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.act.CanaryPause;
import dev.rollguard.operator.act.ChangeApplier;
import dev.rollguard.operator.act.DeploymentHold;
import dev.rollguard.operator.act.NoticeSender;
import dev.rollguard.operator.act.RollbacksInFlight;
import dev.rollguard.operator.api.QueryVariables;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.decide.Decision;
import dev.rollguard.operator.decide.Observation;
import dev.rollguard.operator.decide.Requests;
import dev.rollguard.operator.decide.RolloutDecider;
import dev.rollguard.operator.decide.WorkloadState;
import dev.rollguard.operator.measure.MeasurementJobs;
import dev.rollguard.operator.measure.MeasurementRound;
import dev.rollguard.operator.measure.MeasurementScheduler;
import dev.rollguard.operator.measure.RoundKind;
import dev.rollguard.operator.observability.OperatorMetrics;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.retry.GradualRetry;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Observe, decide, act. Observes the Rollout, its Deployment (from a narrow informer, found through
 * an index, never owned) and finished measurement rounds; asks the {@link RolloutDecider}; makes
 * the decision's changes, writes the status, and only then sends its notices and acknowledges the
 * measurements it recorded.
 *
 * <p>Failures: a reconcile that throws is retried without limit, at most a minute apart, and every
 * failure is shown on the Rollout ({@link ReconcileFailures}). Every Rollout is looked at again at
 * least every ten minutes (--resync-interval) even when nothing happens, so that no Rollout depends
 * on a single missed event.
 */
@ControllerConfiguration(
    name = "rollout",
    generationAwareEventProcessing = false,
    maxReconciliationInterval =
        @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
@GradualRetry(
    maxAttempts = -1,
    initialInterval = 1000,
    intervalMultiplier = 2.0,
    maxInterval = 60_000)
public class RolloutReconciler implements Reconciler<Rollout>, Cleaner<Rollout> {

  static final String WORKLOAD_INDEX = "rollouts-by-workload";

  private final RolloutDecider decider;
  private final MeasurementJobs jobs;
  private final ChangeApplier changes;
  private final NoticeSender notices;
  private final OperatorMetrics metrics;
  private final Consumer<RolloutStatus> beforeStatusWrite;
  private final StatusWritePolicy statusWrites;
  private final RollbacksInFlight rollbacks;
  private final SimpleInboundEventSource<Rollout> wakeups =
      new SimpleInboundEventSource<>("wakeups");
  private volatile MeasurementScheduler scheduler;
  private final ReconcileWatchdog watchdog = new ReconcileWatchdog(Clock.systemUTC(), STALL_LIMIT);

  private volatile IndexerResourceCache<Rollout> rollouts;

  /** A Rollout woken this long ago and not reconciled since fails the liveness probe. */
  static final Duration STALL_LIMIT = Duration.ofMinutes(5);

  /**
   * @param beforeStatusWrite sees every status about to be written; tests make it throw to fail a
   *     status write after the changes were made
   * @param statusRefresh how long the values of passing rounds may wait for a status write
   * @param rollbacks where a reconcile that records or carries out a rollback says so
   */
  public RolloutReconciler(
      RolloutDecider decider,
      MeasurementJobs jobs,
      ChangeApplier changes,
      NoticeSender notices,
      OperatorMetrics metrics,
      Consumer<RolloutStatus> beforeStatusWrite,
      Duration statusRefresh,
      RollbacksInFlight rollbacks) {
    this.decider = decider;
    this.jobs = jobs;
    this.changes = changes;
    this.notices = notices;
    this.metrics = metrics;
    this.beforeStatusWrite = beforeStatusWrite;
    this.statusWrites = new StatusWritePolicy(statusRefresh);
    this.rollbacks = rollbacks;
  }

  /** The scheduler wakes a Rollout's reconcile when a measurement round finishes. */
  public void useScheduler(MeasurementScheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Handed to the scheduler: a finished round becomes an event for its Rollout. */
  public void wake(ResourceID rollout) {
    wake(rollout, RoundKind.MAY_DECIDE);
  }

  /** As {@link #wake(ResourceID)}; {@code kind} names the queued time in the step metric. */
  public void wake(ResourceID rollout, RoundKind kind) {
    watchdog.woken(rollout, kind);
    wakeups.propagateEvent(rollout);
  }

  /**
   * Why the operator should be restarted (for the liveness probe): a Rollout woken and not
   * reconciled for {@link #STALL_LIMIT}.
   */
  public Optional<String> stalledReconcile() {
    IndexerResourceCache<Rollout> cache = rollouts;
    return cache == null ? Optional.empty() : watchdog.stalled(id -> cache.get(id).isPresent());
  }

  @Override
  public List<EventSource<?, Rollout>> prepareEventSources(EventSourceContext<Rollout> context) {
    rollouts = context.getPrimaryCache();
    context.getPrimaryCache().addIndexer(WORKLOAD_INDEX, rollout -> List.of(workloadKey(rollout)));
    var deployments =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Deployment.class, Rollout.class)
                .withNamespacesInheritedFromController()
                .withSecondaryToPrimaryMapper(
                    deployment ->
                        context
                            .getPrimaryCache()
                            .byIndex(
                                WORKLOAD_INDEX,
                                key(
                                    deployment.getMetadata().getNamespace(),
                                    deployment.getMetadata().getName()))
                            .stream()
                            .map(ResourceID::fromResource)
                            .collect(Collectors.toSet()))
                .withPrimaryToSecondaryMapper(
                    (Rollout rollout) ->
                        Set.of(
                            new ResourceID(
                                rollout.getSpec().workloadRef.name,
                                rollout.getMetadata().getNamespace())))
                .build(),
            context);
    return List.of(deployments, wakeups);
  }

  @Override
  public UpdateControl<Rollout> reconcile(Rollout rollout, Context<Rollout> context) {
    watchdog
        .attempted(ResourceID.fromResource(rollout))
        .ifPresent(waited -> metrics.reconcileStep(waited.step(), waited.duration()));
    long started = System.nanoTime();
    boolean success = false;
    try {
      UpdateControl<Rollout> control = observeDecideAct(rollout, context);
      success = true;
      return control;
    } finally {
      metrics.reconciled(Duration.ofNanos(System.nanoTime() - started), success);
    }
  }

  @Override
  public ErrorStatusUpdateControl<Rollout> updateErrorStatus(
      Rollout rollout, Context<Rollout> context, Exception e) {
    return ReconcileFailures.report(rollout, context, e, notices);
  }

  private UpdateControl<Rollout> observeDecideAct(Rollout rollout, Context<Rollout> context) {
    try (RollbacksInFlight.Scope rollback = rollbacks.scope()) {
      Pass pass = observeDecideActOnce(rollout, context, rollback);
      if (pass.rollbackJustRecorded()) {
        // The first phase of a risky transition (RollingBack) is now in the status; act on it in
        // this same reconcile instead of queueing behind every other Rollout's event, which
        // during a deploy wave costs seconds of breach-to-rollback time. Restart-safe as before:
        // the act only follows a persisted decision.
        pass = observeDecideActOnce(pass.rollout(), context, rollback);
      }
      UpdateControl<Rollout> control = UpdateControl.noUpdate();
      pass.decision()
          .recheckAfter()
          .ifPresent(
              delay -> control.rescheduleAfter(delay.isZero() ? Duration.ofMillis(1) : delay));
      return control;
    }
  }

  /**
   * One observe → decide → act. {@code rollbackJustRecorded}: this pass wrote a pending rollback
   * (stage RollingBack) into the status; the rollback itself is the next pass's act.
   */
  private record Pass(Rollout rollout, Decision decision, boolean rollbackJustRecorded) {}

  private Pass observeDecideActOnce(
      Rollout rollout, Context<Rollout> context, RollbacksInFlight.Scope rollback) {
    ResourceID id = ResourceID.fromResource(rollout);
    // Read before the status write below, which may set the new status on this very object.
    boolean rollbackWasPending =
        rollout.getStatus() != null && rollout.getStatus().pendingRollback != null;
    Optional<Deployment> deployment = context.getSecondaryResource(Deployment.class);
    List<MeasurementRound> rounds = scheduler.completed(id);
    Observation observation =
        new Observation(
            rollout,
            deployment.map(d -> observe(rollout, d, context)),
            rounds,
            Requests.from(rollout.getMetadata().getAnnotations()),
            guardedBy(rollout, context));

    Decision decision = decider.decide(observation);
    if (rollbackWasPending || decision.status().pendingRollback != null) {
      // Recording a rollback or carrying it out: the writes that can wait make way until done.
      rollback.enter();
    }

    if (!decision.changes().isEmpty()) {
      long acting = System.nanoTime();
      changes.apply(rollout, deployment, decision.changes());
      metrics.reconcileStep("changes", Duration.ofNanos(System.nanoTime() - acting));
    }
    // Scheduled before the status write, so that a round due now (the baseline at a deploy)
    // does not wait for the API server. Safe either way: a round's result only counts once a
    // reconcile records it, and asking again for the same round does nothing.
    decision
        .measurement()
        .ifPresentOrElse(
            request ->
                scheduler.schedule(
                    id,
                    request,
                    () -> jobs.jobFor(rollout, decision.status(), request),
                    decision.outlook().<Predicate<MeasurementRound>>map(o -> o).orElse(r -> false),
                    decision
                        .breachOutlook()
                        .<Predicate<MeasurementRound>>map(o -> o)
                        .orElse(r -> false)),
            () -> scheduler.cancel(id));
    Rollout current = rollout;
    StatusWritePolicy.Write write = statusWrites.decide(rollout.getStatus(), decision);
    boolean statusChanged = write == StatusWritePolicy.Write.NOW;
    if (statusChanged) {
      beforeStatusWrite.accept(decision.status());
      long writing = System.nanoTime();
      // A full status update (not a merge patch): fields the decision cleared must go away.
      current =
          PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
              rollout,
              context,
              fresh -> {
                fresh.setStatus(decision.status());
                return fresh;
              });
      metrics.reconcileStep("status_write", Duration.ofNanos(System.nanoTime() - writing));
    }
    // Only now that the status records the decision: a failed write above is retried from the
    // old status, and its events and counts go out once, after the write that succeeds.
    notices.send(rollout, deployment, decision.notices());
    if (write != StatusWritePolicy.Write.DEFERRED) {
      // A deferred round stays in the inbox: the next reconcile starts from the stored status
      // and applies it again.
      scheduler.acknowledge(id, rounds);
    }
    exportMetrics(rollout, decision.status());
    boolean rollbackJustRecorded =
        statusChanged && decision.status().pendingRollback != null && !rollbackWasPending;
    return new Pass(current, decision, rollbackJustRecorded);
  }

  /**
   * The Deployment as the decider sees it; the revision before it only when adopting mid-rollout.
   */
  private static WorkloadState observe(
      Rollout rollout, Deployment deployment, Context<Rollout> context) {
    WorkloadState state = WorkloadObserver.observe(deployment);
    RolloutStatus status = rollout.getStatus();
    boolean adopting = status == null || status.stableRevision == null;
    // A Deployment at its first revision has nothing older to adopt: no need to look.
    boolean needsPrevious =
        adopting && state.rollingOut() && WorkloadObserver.hadEarlierRevisions(deployment);
    boolean needsHashes = needsPodTemplateHashes(rollout, state);
    if (!needsPrevious && !needsHashes) {
      return state;
    }
    ReplicaSetHistory history = ReplicaSetHistory.of(context.getClient(), deployment);
    return state.withReplicaSets(
        needsPrevious ? history.previous(state.hash()) : Optional.empty(),
        needsHashes ? history.podTemplateHashes() : Map.of());
  }

  /**
   * Guard queries select one revision's pods by its pod-template-hash, and the status lacks it (a
   * new revision, or its ReplicaSet not seen yet). Once known, it stays in the status.
   */
  private static boolean needsPodTemplateHashes(Rollout rollout, WorkloadState workload) {
    if (!QueryVariables.usesRevisions(rollout.getSpec())) {
      return false;
    }
    RolloutStatus status = rollout.getStatus();
    if (status == null || status.currentRevision == null || status.stableRevision == null) {
      return true;
    }
    return !workload.hash().equals(status.currentRevision.hash)
        || status.currentRevision.podTemplateHash == null
        || status.stableRevision.podTemplateHash == null;
  }

  private void exportMetrics(Rollout rollout, RolloutStatus status) {
    String namespace = rollout.getMetadata().getNamespace();
    String name = rollout.getMetadata().getName();
    metrics.phase(namespace, name, status.phase);
    if (status.analysis != null) {
      status.analysis.guards.forEach(
          guard ->
              metrics.guardValue(
                  namespace, name, guard.name, guard.value == null ? Double.NaN : guard.value));
    }
  }

  @Override
  public DeleteControl cleanup(Rollout rollout, Context<Rollout> context) {
    ResourceID id = ResourceID.fromResource(rollout);
    watchdog.attempted(id);
    scheduler.forget(id);
    metrics.forget(rollout.getMetadata().getNamespace(), rollout.getMetadata().getName());
    // The Deployment is the user's: it stays as it is, except that a hold or a canary pause
    // Rollguard placed is lifted. ControllerRevisions go with the Rollout through their owner
    // reference.
    Optional<Deployment> deployment = context.getSecondaryResource(Deployment.class);
    deployment
        .filter(d -> heldByThisRollout(rollout, d))
        .ifPresent(d -> DeploymentHold.release(context.getClient(), d));
    deployment
        .filter(d -> guardedBy(rollout, context).isEmpty())
        .ifPresent(d -> CanaryPause.resume(context.getClient(), d));
    // Another Rollout waiting on this Deployment (stage Conflict) takes over now, not at the
    // Deployment's next change.
    context.getPrimaryCache().byIndex(WORKLOAD_INDEX, workloadKey(rollout)).stream()
        .filter(other -> !other.getMetadata().getName().equals(rollout.getMetadata().getName()))
        .forEach(other -> wake(ResourceID.fromResource(other)));
    return DeleteControl.defaultDelete();
  }

  private static boolean heldByThisRollout(Rollout rollout, Deployment deployment) {
    var annotations = deployment.getMetadata().getAnnotations();
    String held = annotations == null ? null : annotations.get(WorkloadState.HELD_REVISION);
    return held != null
        && rollout.getStatus() != null
        && rollout.getStatus().failedRevisions.stream().anyMatch(f -> held.equals(f.hash));
  }

  /** The oldest Rollout on a Deployment guards it; any other one is told so and does nothing. */
  private static Optional<String> guardedBy(Rollout rollout, Context<Rollout> context) {
    return context.getPrimaryCache().byIndex(WORKLOAD_INDEX, workloadKey(rollout)).stream()
        .filter(other -> other.getMetadata().getDeletionTimestamp() == null)
        .min(
            Comparator.comparing((Rollout r) -> r.getMetadata().getCreationTimestamp())
                .thenComparing(r -> r.getMetadata().getName()))
        .map(first -> first.getMetadata().getName())
        .filter(first -> !first.equals(rollout.getMetadata().getName()));
  }

  static String workloadKey(Rollout rollout) {
    return key(rollout.getMetadata().getNamespace(), rollout.getSpec().workloadRef.name);
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
