package dev.rollguard.operator.measure;

import dev.rollguard.operator.measure.prometheus.Measurement;
import dev.rollguard.operator.measure.prometheus.MetricsSource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs measurement rounds on their own schedule, off the reconcile threads: one shared timer, no
 * thread per Rollout, queries sent asynchronously. A finished round waits in the Rollout's inbox
 * and wakes its reconcile; the reconciler acknowledges it once its status is written.
 */
public final class MeasurementScheduler implements AutoCloseable {

  /** Rounds kept per Rollout while unacknowledged; older ones are of no use. */
  private static final int INBOX_LIMIT = 8;

  private final MetricsSource source;
  private final ScheduledExecutorService timer;
  private final Clock clock;
  private final Delivery wake;
  private final Consumer<Duration> lateness;
  private final Map<ResourceID, Scheduled> scheduled = new ConcurrentHashMap<>();
  private final Map<ResourceID, List<MeasurementRound>> inbox = new ConcurrentHashMap<>();

  /** The last round delivered per Rollout: asking for it again must not measure twice. */
  private final Map<ResourceID, MeasurementJob> delivered = new ConcurrentHashMap<>();

  public MeasurementScheduler(
      MetricsSource source,
      ScheduledExecutorService timer,
      Clock clock,
      Consumer<ResourceID> wake) {
    this(source, timer, clock, (rollout, kind) -> wake.accept(rollout), late -> {});
  }

  /**
   * @param wake told of each finished round, and whether it may decide something (see {@link
   *     #schedule(ResourceID, MeasurementRequest, Supplier, Predicate)})
   * @param lateness told, as each round starts, how long after its due time it started: the tick
   *     lag that shows a scheduler falling behind (too many Rollouts for its threads)
   */
  public MeasurementScheduler(
      MetricsSource source,
      ScheduledExecutorService timer,
      Clock clock,
      Delivery wake,
      Consumer<Duration> lateness) {
    this.source = source;
    this.timer = timer;
    this.clock = clock;
    this.wake = wake;
    this.lateness = lateness;
  }

  /**
   * Runs {@code job} at its due time. Asking again for the same round (a reconcile that ran before
   * the result was recorded) does nothing; asking for another round replaces it.
   */
  public void schedule(ResourceID rollout, MeasurementJob job) {
    schedule(rollout, job.request(), () -> job);
  }

  /**
   * As {@link #schedule(ResourceID, MeasurementJob)}, building the job only for a round not yet
   * scheduled or delivered, which every reconcile of an analysing Rollout would otherwise repeat.
   * Building it runs under this scheduler's lock on a reconcile thread, so it must not block: a
   * job's bearer token is read only when the round runs ({@link MeasurementJob#withTokenRead()}).
   */
  public void schedule(
      ResourceID rollout, MeasurementRequest request, Supplier<MeasurementJob> job) {
    schedule(rollout, request, job, round -> false);
  }

  /**
   * As {@link #schedule(ResourceID, MeasurementRequest, Supplier)}, saying which results would
   * decide nothing: a round for which {@code quiet} holds is delivered as quiet, so that its
   * reconcile can wait behind rounds that may decide a rollback. Asking again for the same round
   * with another {@code quiet} replaces it; the one in force when the round finishes counts.
   */
  public void schedule(
      ResourceID rollout,
      MeasurementRequest request,
      Supplier<MeasurementJob> job,
      Predicate<MeasurementRound> quiet) {
    schedule(rollout, request, job, quiet, round -> false);
  }

  /**
   * As {@link #schedule(ResourceID, MeasurementRequest, Supplier, Predicate)}, also saying which
   * results breach a guard: such a round is delivered as one that may roll back, so that its
   * reconcile comes before every other (a deploy wave's baselines and first verdicts among them).
   */
  public void schedule(
      ResourceID rollout,
      MeasurementRequest request,
      Supplier<MeasurementJob> job,
      Predicate<MeasurementRound> quiet,
      Predicate<MeasurementRound> breaching) {
    MeasurementJob last = delivered.get(rollout);
    if (last != null && last.request().equals(request)) {
      return;
    }
    scheduled.compute(
        rollout,
        (id, current) -> {
          if (current != null && current.job.request().equals(request)) {
            current.quiet = quiet;
            current.breaching = breaching;
            return current;
          }
          if (current != null) {
            current.future.cancel(false);
          }
          long delay = Math.max(0, Duration.between(clock.instant(), request.due()).toMillis());
          Scheduled next = new Scheduled(job.get(), quiet, breaching);
          next.future = timer.schedule(() -> run(id, next), delay, TimeUnit.MILLISECONDS);
          return next;
        });
  }

  /** Finished rounds not yet acknowledged. */
  public List<MeasurementRound> completed(ResourceID rollout) {
    List<MeasurementRound> rounds = inbox.get(rollout);
    if (rounds == null) {
      return List.of();
    }
    synchronized (rounds) {
      return List.copyOf(rounds);
    }
  }

  /** The status recording these rounds was written: drop them. */
  public void acknowledge(ResourceID rollout, List<MeasurementRound> rounds) {
    if (rounds.isEmpty()) {
      return;
    }
    inbox.computeIfPresent(
        rollout,
        (id, pending) -> {
          synchronized (pending) {
            pending.removeAll(rounds);
            return pending.isEmpty() ? null : pending;
          }
        });
  }

  /** Nothing to measure for this Rollout now (it is not analysing, or it was deleted). */
  public void cancel(ResourceID rollout) {
    Scheduled current = scheduled.remove(rollout);
    if (current != null) {
      current.future.cancel(false);
    }
  }

  public void forget(ResourceID rollout) {
    cancel(rollout);
    inbox.remove(rollout);
    delivered.remove(rollout);
  }

  /** Rollouts with a round scheduled or running; for metrics and tests. */
  public int scheduledCount() {
    return scheduled.size();
  }

  private void run(ResourceID rollout, Scheduled entry) {
    lateness.accept(Duration.between(entry.job.request().due(), clock.instant()));
    // On this executor, off the reconcile threads and outside the map's lock; usually a cache hit.
    MeasurementJob job = entry.job.withTokenRead();
    Instant at = job.request().evaluateAt().orElseGet(clock::instant);
    Map<String, CompletableFuture<Measurement>> pending = new LinkedHashMap<>();
    job.queries()
        .forEach(
            (guard, query) ->
                pending.put(
                    guard,
                    job.unavailable()
                        .<CompletableFuture<Measurement>>map(
                            reason ->
                                CompletableFuture.completedFuture(
                                    new Measurement.Inconclusive(
                                        at, Measurement.Cause.UNREACHABLE, reason)))
                        .orElseGet(() -> source.instant(job.target().orElseThrow(), query, at))));
    job.unanswerable()
        .forEach(
            (guard, why) ->
                pending.put(
                    guard,
                    CompletableFuture.completedFuture(
                        new Measurement.Inconclusive(at, Measurement.Cause.NO_DATA, why))));
    Map<String, CompletableFuture<MeasurementRound.TrendData>> trends = new LinkedHashMap<>();
    if (job.unavailable().isEmpty()) {
      job.trends()
          .forEach(
              (guard, trend) -> trends.put(guard, trend(job.target().orElseThrow(), trend, at)));
    }
    List<CompletableFuture<?>> all = new ArrayList<>(pending.values());
    all.addAll(trends.values());
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .whenComplete(
            (ignored, error) -> {
              Map<String, Measurement> results = new LinkedHashMap<>();
              pending.forEach(
                  (guard, future) ->
                      results.put(
                          guard,
                          future.getNow(
                              new Measurement.Inconclusive(
                                  at,
                                  Measurement.Cause.BAD_RESPONSE,
                                  "measurement failed: " + error))));
              Map<String, MeasurementRound.TrendData> trendResults = new LinkedHashMap<>();
              trends.forEach(
                  (guard, future) ->
                      trendResults.put(
                          guard,
                          future.getNow(
                              new MeasurementRound.TrendData(
                                  dev.rollguard.operator.measure.prometheus.Series.failed(
                                      new Measurement.Inconclusive(
                                          at,
                                          Measurement.Cause.BAD_RESPONSE,
                                          "measurement failed: " + error)),
                                  Optional.empty(),
                                  Optional.empty()))));
              delivered.put(
                  rollout, entry.job); // as scheduled: compared by request, holds no token
              scheduled.remove(rollout, entry);
              MeasurementRound round =
                  new MeasurementRound(
                      job.request().purpose(), job.request().revision(), at, results, trendResults);
              deliver(rollout, round, kind(entry, round));
            });
  }

  /** The series over the window, one point per 1/60 of it, and the limit (queried if need be). */
  private CompletableFuture<MeasurementRound.TrendData> trend(
      dev.rollguard.operator.measure.prometheus.QueryTarget target,
      MeasurementJob.TrendQuery trend,
      Instant at) {
    Duration step = Duration.ofSeconds(Math.max(1, trend.window().toSeconds() / 60));
    var series = source.series(target, trend.promql(), at, trend.window(), step);
    if (trend.limitQuery().isEmpty()) {
      return series.thenApply(
          s -> new MeasurementRound.TrendData(s, trend.limit(), Optional.empty()));
    }
    return series.thenCombine(
        source.instant(target, trend.limitQuery().get(), at),
        (s, limit) ->
            limit instanceof Measurement.Value value
                ? new MeasurementRound.TrendData(s, Optional.of(value.value()), Optional.empty())
                : new MeasurementRound.TrendData(
                    s,
                    Optional.empty(),
                    Optional.of("limitQuery: " + ((Measurement.Inconclusive) limit).reason())));
  }

  /**
   * A predicate that fails counts the round as one that may decide (neither quiet nor breaching):
   * never delayed by mistake.
   */
  private static RoundKind kind(Scheduled entry, MeasurementRound round) {
    try {
      if (entry.breaching.test(round)) {
        return RoundKind.MAY_ROLL_BACK;
      }
      return entry.quiet.test(round) ? RoundKind.QUIET : RoundKind.MAY_DECIDE;
    } catch (RuntimeException e) {
      return RoundKind.MAY_DECIDE;
    }
  }

  private void deliver(ResourceID rollout, MeasurementRound round, RoundKind kind) {
    List<MeasurementRound> rounds = inbox.computeIfAbsent(rollout, id -> new ArrayList<>());
    synchronized (rounds) {
      rounds.add(round);
      while (rounds.size() > INBOX_LIMIT) {
        rounds.remove(0);
      }
    }
    inbox.putIfAbsent(rollout, rounds);
    wake.delivered(rollout, kind);
  }

  @Override
  public void close() {
    scheduled.values().forEach(s -> s.future.cancel(false));
    scheduled.clear();
  }

  private static final class Scheduled {
    final MeasurementJob job;
    volatile ScheduledFuture<?> future;
    volatile Predicate<MeasurementRound> quiet;
    volatile Predicate<MeasurementRound> breaching;

    Scheduled(
        MeasurementJob job,
        Predicate<MeasurementRound> quiet,
        Predicate<MeasurementRound> breaching) {
      this.job = job;
      this.quiet = quiet;
      this.breaching = breaching;
    }
  }

  /** Told of each finished round, before anything else is done for it. */
  @FunctionalInterface
  public interface Delivery {
    /**
     * @param kind what the round may decide, judged from its results by the decider's outlook
     */
    void delivered(ResourceID rollout, RoundKind kind);
  }
}
