package dev.rollguard.operator.reconcile;

import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile threads. A Rollout whose measurement round just finished is reconciled before
 * routine work (Deployment status churn, periodic resyncs, adoption), because that round may decide
 * a rollback: in a deploy wave at 5,000 Rollouts such rounds otherwise waited seconds in one FIFO
 * queue behind reconciles that decide nothing. Within each rank the order stays first come, first
 * served, so routine work is delayed only while rounds are waiting, never starved by a steady
 * trickle of them beyond that.
 *
 * <p>Threads start when work arrives and stop after a minute without work, so a small or quiet
 * fleet does not keep the whole pool's stacks resident.
 *
 * <p>The operator SDK hands each reconcile over as its own task object, which names the Rollout in
 * a field; that field is read to rank the task. A task without it (another SDK version, or work
 * that is not a reconcile) runs as routine work, and this is logged once.
 */
public final class RoundsFirstExecutor extends ThreadPoolExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(RoundsFirstExecutor.class);
  private static final Duration IDLE_THREAD_LIFETIME = Duration.ofMinutes(1);

  private final Set<ResourceID> roundsWaiting = ConcurrentHashMap.newKeySet();
  private final Map<ResourceID, Ranked> queuedRoutine = new ConcurrentHashMap<>();
  private final Map<Class<?>, Optional<Field>> idFields = new ConcurrentHashMap<>();
  private final AtomicLong arrivals = new AtomicLong();
  private final AtomicBoolean unrankedLogged = new AtomicBoolean();

  public RoundsFirstExecutor(int threads, ThreadFactory threadFactory) {
    super(
        threads,
        threads,
        IDLE_THREAD_LIFETIME.toMillis(),
        TimeUnit.MILLISECONDS,
        new PriorityBlockingQueue<>(),
        threadFactory);
    allowCoreThreadTimeOut(true);
  }

  /**
   * A measurement round finished for this Rollout: its next reconcile goes first. Called before the
   * Rollout's event is sent, so that the task it causes is ranked; a routine task of the Rollout
   * already queued (which will read the round when it runs) moves ahead too.
   */
  public void roundFinished(ResourceID rollout) {
    roundsWaiting.add(rollout);
    Ranked routine = queuedRoutine.get(rollout);
    // Only if it is still queued: a worker may have taken it meanwhile, and then it runs as it is.
    if (routine != null && getQueue().remove(routine)) {
      queuedRoutine.remove(rollout, routine);
      getQueue().add(routine.promoted());
      // Should every thread have stopped for idleness in between, one starts for it.
      prestartCoreThread();
    }
  }

  @Override
  public void execute(Runnable task) {
    if (task instanceof Ranked) {
      super.execute(task);
      return;
    }
    ResourceID rollout = rolloutOf(task);
    boolean first = rollout != null && roundsWaiting.contains(rollout);
    Ranked ranked = new Ranked(task, rollout, first, arrivals.incrementAndGet());
    if (rollout != null && !first) {
      queuedRoutine.put(rollout, ranked);
    }
    super.execute(ranked);
  }

  private ResourceID rolloutOf(Runnable task) {
    Optional<Field> field = idFields.computeIfAbsent(task.getClass(), RoundsFirstExecutor::idField);
    if (field.isEmpty()) {
      if (unrankedLogged.compareAndSet(false, true)) {
        LOG.warn(
            "reconcile task {} does not name its Rollout; such tasks run in arrival order",
            task.getClass().getName());
      }
      return null;
    }
    try {
      return (ResourceID) field.get().get(task);
    } catch (IllegalAccessException e) {
      return null;
    }
  }

  private static Optional<Field> idField(Class<?> type) {
    for (Field field : type.getDeclaredFields()) {
      if (field.getType() == ResourceID.class) {
        try {
          field.setAccessible(true);
          return Optional.of(field);
        } catch (RuntimeException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** A task with its rank: rounds first, then arrival order. */
  private final class Ranked implements Runnable, Comparable<Ranked> {
    final Runnable task;
    final ResourceID rollout;
    final boolean first;
    final long arrival;

    Ranked(Runnable task, ResourceID rollout, boolean first, long arrival) {
      this.task = task;
      this.rollout = rollout;
      this.first = first;
      this.arrival = arrival;
    }

    Ranked promoted() {
      return new Ranked(task, rollout, true, arrival);
    }

    @Override
    public void run() {
      if (rollout != null) {
        queuedRoutine.remove(rollout, this);
        // From here on the reconcile reads the Rollout's finished rounds itself; a round that
        // finishes later marks it again.
        roundsWaiting.remove(rollout);
      }
      task.run();
    }

    @Override
    public int compareTo(Ranked other) {
      if (first != other.first) {
        return first ? -1 : 1;
      }
      return Long.compare(arrival, other.arrival);
    }
  }
}
