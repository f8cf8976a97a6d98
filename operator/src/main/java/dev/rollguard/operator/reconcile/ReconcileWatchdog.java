package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.measure.RoundKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a Rollout that was woken (a measurement round finished for it) and then never reconciled:
 * the event was lost between the operator SDK and the reconciler, and the Rollout would stay where
 * it is (a canary step paused, an analysis unfinished) until the operator restarts. Such a stall
 * fails the liveness probe, so the kubelet restarts the operator, which resumes every Rollout from
 * its status. A reconcile that is attempted and fails is not a stall: it is retried, and reported
 * on the Rollout.
 */
final class ReconcileWatchdog {

  private static final Logger LOG = LoggerFactory.getLogger(ReconcileWatchdog.class);

  private final Clock clock;
  private final Duration limit;
  private final Map<ResourceID, Wake> waiting = new ConcurrentHashMap<>();

  /**
   * The first wake not yet followed by a reconcile, whether every wake since was quiet, and whether
   * any was a round with a breach.
   */
  private record Wake(Instant at, boolean onlyQuiet, boolean anyBreaching) {}

  ReconcileWatchdog(Clock clock, Duration limit) {
    this.clock = clock;
    this.limit = limit;
  }

  /**
   * An event was sent to this Rollout's reconcile; the first one not yet followed by one counts.
   */
  void woken(ResourceID rollout) {
    woken(rollout, false);
  }

  /**
   * As {@link #woken(ResourceID)}, by a measurement round that is {@code quiet} (every guard passed
   * again) or not; the wait counts as quiet only while every wake since the last attempt was.
   */
  void woken(ResourceID rollout, boolean quiet) {
    woken(rollout, quiet ? RoundKind.QUIET : RoundKind.MAY_DECIDE);
  }

  /** As {@link #woken(ResourceID, boolean)}, by a round of this kind. */
  void woken(ResourceID rollout, RoundKind kind) {
    waiting.merge(
        rollout,
        new Wake(clock.instant(), kind == RoundKind.QUIET, kind == RoundKind.MAY_ROLL_BACK),
        (first, next) ->
            new Wake(
                first.at(),
                first.onlyQuiet() && next.onlyQuiet(),
                first.anyBreaching() || next.anyBreaching()));
  }

  /**
   * How long a Rollout waited for its reconcile, whether only quiet rounds woke it, and whether a
   * round with a breach did.
   */
  record Waited(Duration duration, boolean quiet, boolean breaching) {
    Waited(Duration duration, boolean quiet) {
      this(duration, quiet, false);
    }

    /** The name of the wait in {@code rollguard_reconcile_step_seconds}. */
    String step() {
      return breaching ? "queued_breaching" : quiet ? "queued_quiet" : "queued";
    }
  }

  /**
   * A reconcile of this Rollout started (or it was deleted); returns how long it waited since it
   * was woken, if it was waiting.
   */
  Optional<Waited> attempted(ResourceID rollout) {
    return Optional.ofNullable(waiting.remove(rollout))
        .map(
            wake ->
                new Waited(
                    Duration.between(wake.at(), clock.instant()),
                    wake.onlyQuiet(),
                    wake.anyBreaching()));
  }

  /**
   * The Rollout woken longest ago without a reconcile since, if longer than the limit; Rollouts
   * that no longer exist are forgotten.
   */
  Optional<String> stalled(Predicate<ResourceID> exists) {
    Instant now = clock.instant();
    waiting.keySet().removeIf(rollout -> !exists.test(rollout));
    return waiting.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue().at()))
        .filter(e -> Duration.between(e.getValue(), now).compareTo(limit) > 0)
        .min(Map.Entry.comparingByValue())
        .map(
            e -> {
              String reason =
                  "Rollout "
                      + e.getKey().getNamespace().orElse("")
                      + "/"
                      + e.getKey().getName()
                      + " was woken "
                      + Duration.between(e.getValue(), now).toSeconds()
                      + "s ago and not reconciled since; restart the operator";
              LOG.error(reason);
              return reason;
            });
  }
}
