package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.act.RollbacksInFlight;
import dev.rollguard.operator.decide.Decision;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Status writes that make way for rollbacks in flight. At 10,000 Rollouts a deploy wave's rollbacks
 * shared the API server with the status writes of the other Rollouts' baselines and first verdicts,
 * and each of a rollback's writes took half a second. A status write that changes no Deployment, by
 * a reconcile that is not itself rolling back, therefore waits while another Rollout's rollback is
 * in flight: its reconcile writes nothing, acknowledges nothing and looks again {@link #LIMIT}
 * after its first hold, when it is written whatever is in flight then (or earlier, when something
 * else wakes it and no rollback is in flight).
 *
 * <p>Held writes are not released the moment no rollback is in flight: in a burst of rollbacks that
 * moment comes between two of them, again and again, and every write held until then went out at
 * once, into the next rollback (measured at 10,000: the breaching rounds' wait for a reconcile
 * thread rose from 0.3 to 0.7 s). Released at their limit, they go out as spread as they came,
 * after the burst.
 *
 * <p>Why this keeps every guarantee: a held reconcile is the same as a reconcile that started
 * later. Its rounds stay in the Rollout's measurement inbox (only a write acknowledges them), its
 * notices are not sent, and the next reconcile decides again from the stored status. Rollbacks,
 * their restores and every Deployment change are never held.
 */
final class StatusWriteHold {

  /** The longest a Rollout's status write waits for rollbacks in flight, from its first hold. */
  static final Duration LIMIT = Duration.ofSeconds(5);

  private final RollbacksInFlight rollbacks;
  private final Duration limit;
  private final LongSupplier nanoTime;
  private final Map<ResourceID, Long> heldSince = new ConcurrentHashMap<>();

  StatusWriteHold(RollbacksInFlight rollbacks) {
    this(rollbacks, LIMIT, System::nanoTime);
  }

  StatusWriteHold(RollbacksInFlight rollbacks, Duration limit, LongSupplier nanoTime) {
    this.rollbacks = rollbacks;
    this.limit = limit;
    this.nanoTime = nanoTime;
  }

  /** What to do with a status write that is due now. */
  sealed interface Verdict {}

  /** Write now; {@code held} is how long this Rollout's write waited (zero if it did not). */
  record Write(Duration held) implements Verdict {}

  /** Do not write; look again after {@code recheck} at the latest. */
  record Hold(Duration recheck) implements Verdict {}

  /**
   * @param rollingBack this reconcile records or carries out a rollback
   */
  Verdict due(ResourceID rollout, Decision decision, boolean rollingBack) {
    long now = nanoTime.getAsLong();
    if (rollingBack || !decision.changes().isEmpty() || !rollbacks.any()) {
      return new Write(heldFor(rollout, now));
    }
    long since = heldSince.computeIfAbsent(rollout, id -> now);
    long left = limit.toNanos() - (now - since);
    if (left <= 0) {
      return new Write(heldFor(rollout, now));
    }
    return new Hold(Duration.ofNanos(left));
  }

  /** The Rollout's reconcile wrote nothing or had nothing to write: no hold is pending. */
  void settled(ResourceID rollout) {
    heldSince.remove(rollout);
  }

  /** Whether this Rollout's write is held now. */
  boolean holding(ResourceID rollout) {
    return heldSince.containsKey(rollout);
  }

  private Duration heldFor(ResourceID rollout, long now) {
    Long since = heldSince.remove(rollout);
    return since == null ? Duration.ZERO : Duration.ofNanos(now - since);
  }
}
