package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.measure.RoundKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile threads, in four ranks. First a Rollout whose finished measurement round has a
 * guard breaching (it may roll back); then one whose round may decide something else (a first
 * verdict, a baseline, missing data, the end of the bake time); then one whose round was quiet
 * (every guard passed again, as before: only values change, and their write is deferred); then
 * routine work (Deployment status churn, periodic resyncs, adoption). In a deploy wave at 5,000
 * Rollouts rounds otherwise waited seconds in one FIFO queue behind reconciles that decide nothing,
 * and at 10,000 the quiet rounds of 2,000 analysing Rollouts (130 a second) crowded the few that
 * breach. At 10,000 the baselines and first verdicts of a wave's new deploys still shared the first
 * rank with the breaching rounds and delayed rollbacks by seconds, hence a rank of their own for
 * rounds with a breach. Within each rank the order stays first come, first served, so lower ranks
 * are delayed only while higher ones are waiting.
 *
 * <p>A thread starts only when work arrives and every running thread is busy, and stops after
 * {@link #IDLE_THREAD_LIFETIME} without work. A plain pool of fixed size starts a new thread for
 * every task until the pool is full, even with idle threads at hand, and its idle threads take work
 * in turns, so none of them ever stops: a burst such as adopting 100 Rollouts kept all 50 threads'
 * stacks resident while the fleet was idle (docs/benchmarks.md).
 *
 * <p>The operator SDK hands each reconcile over as its own task object, which names the Rollout in
 * a field; that field is read to rank the task. A task without it (another SDK version, or work
 * that is not a reconcile) runs as routine work, and this is logged once.
 */
public final class RoundsFirstExecutor extends ThreadPoolExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(RoundsFirstExecutor.class);
  private static final Duration IDLE_THREAD_LIFETIME = Duration.ofSeconds(10);

  /** The order of work, highest first. */
  private enum Rank {
    /** A finished round in which a guard breaches: it may roll back. */
    BREACHING_ROUND,
    /** A finished round that may decide something else. */
    DECISIVE_ROUND,
    /** A finished round in which every guard passed again, as before. */
    QUIET_ROUND,
    /** Anything else. */
    ROUTINE
  }

  private final Map<ResourceID, Rank> roundsWaiting = new ConcurrentHashMap<>();
  private final Map<ResourceID, Ranked> queuedBelowFirst = new ConcurrentHashMap<>();
  private final Map<Class<?>, Optional<Field>> idFields = new ConcurrentHashMap<>();
  private final AtomicLong arrivals = new AtomicLong();
  private final AtomicBoolean unrankedLogged = new AtomicBoolean();
  private final GrowWhenBusyQueue queue;

  public RoundsFirstExecutor(int threads, ThreadFactory threadFactory) {
    this(threads, threadFactory, IDLE_THREAD_LIFETIME);
  }

  RoundsFirstExecutor(int threads, ThreadFactory threadFactory, Duration idleThreadLifetime) {
    this(threads, new CountingThreads(threadFactory), idleThreadLifetime, new GrowWhenBusyQueue());
  }

  private RoundsFirstExecutor(
      int threads, CountingThreads live, Duration idleThreadLifetime, GrowWhenBusyQueue queue) {
    super(
        1,
        threads,
        idleThreadLifetime.toMillis(),
        TimeUnit.MILLISECONDS,
        queue,
        live,
        (task, pool) -> {
          if (pool.isShutdown()) {
            throw new RejectedExecutionException("the reconcile threads are stopping");
          }
          // The pool is full: the task waits its turn.
          queue.queue(task);
        });
    queue.poolMayGrow(() -> live.count() < getMaximumPoolSize());
    this.queue = queue;
    allowCoreThreadTimeOut(true);
  }

  /** Counts the pool's live threads without the executor's lock (see GrowWhenBusyQueue). */
  private static final class CountingThreads implements ThreadFactory {
    private final ThreadFactory threads;
    private final AtomicInteger live = new AtomicInteger();

    CountingThreads(ThreadFactory threads) {
      this.threads = threads;
    }

    int count() {
      return live.get();
    }

    @Override
    public Thread newThread(Runnable worker) {
      Thread thread =
          threads.newThread(
              () -> {
                try {
                  worker.run();
                } finally {
                  live.decrementAndGet();
                }
              });
      if (thread != null) {
        live.incrementAndGet();
      }
      return thread;
    }
  }

  /**
   * A measurement round finished for this Rollout: its next reconcile goes ahead of routine work,
   * ahead of quiet rounds when it may decide something, and ahead of everything when a guard
   * breaches in it. Called before the Rollout's event is sent, so that the task it causes is
   * ranked; a lower-ranked task of the Rollout already queued (which will read the round when it
   * runs) moves up too.
   */
  public void roundFinished(ResourceID rollout, RoundKind kind) {
    Rank rank =
        switch (kind) {
          case MAY_ROLL_BACK -> Rank.BREACHING_ROUND;
          case MAY_DECIDE -> Rank.DECISIVE_ROUND;
          case QUIET -> Rank.QUIET_ROUND;
        };
    Rank waiting = roundsWaiting.merge(rollout, rank, RoundsFirstExecutor::higher);
    Ranked queued = queuedBelowFirst.get(rollout);
    // Only if it is still queued: a worker may have taken it meanwhile, and then it runs as it is.
    if (queued != null && waiting.compareTo(queued.rank) < 0 && getQueue().remove(queued)) {
      queuedBelowFirst.remove(rollout, queued);
      Ranked promoted = queued.promotedTo(waiting);
      if (promoted.rank != Rank.BREACHING_ROUND) {
        queuedBelowFirst.put(rollout, promoted);
      }
      queue.queue(promoted);
      // Should every thread have stopped for idleness in between, one starts for it.
      prestartCoreThread();
    }
  }

  private static Rank higher(Rank a, Rank b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  @Override
  public void execute(Runnable task) {
    if (task instanceof Ranked) {
      super.execute(task);
      return;
    }
    ResourceID rollout = rolloutOf(task);
    Rank rank = rollout == null ? Rank.ROUTINE : roundsWaiting.getOrDefault(rollout, Rank.ROUTINE);
    Ranked ranked = new Ranked(task, rollout, rank, arrivals.incrementAndGet());
    if (rollout != null && rank != Rank.BREACHING_ROUND) {
      queuedBelowFirst.put(rollout, ranked);
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

  /** A task with its rank: by rank, then arrival order. */
  private final class Ranked implements Runnable, Comparable<Ranked> {
    final Runnable task;
    final ResourceID rollout;
    final Rank rank;
    final long arrival;

    Ranked(Runnable task, ResourceID rollout, Rank rank, long arrival) {
      this.task = task;
      this.rollout = rollout;
      this.rank = rank;
      this.arrival = arrival;
    }

    Ranked promotedTo(Rank higher) {
      return new Ranked(task, rollout, higher, arrival);
    }

    @Override
    public void run() {
      if (rollout != null) {
        queuedBelowFirst.remove(rollout, this);
        // From here on the reconcile reads the Rollout's finished rounds itself; a round that
        // finishes later marks it again.
        roundsWaiting.remove(rollout);
      }
      task.run();
    }

    @Override
    public int compareTo(Ranked other) {
      int byRank = rank.compareTo(other.rank);
      if (byRank != 0) {
        return byRank;
      }
      return Long.compare(arrival, other.arrival);
    }
  }
}
