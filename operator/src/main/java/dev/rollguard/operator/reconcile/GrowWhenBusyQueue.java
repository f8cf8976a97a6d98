package dev.rollguard.operator.reconcile;

import java.util.AbstractQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A priority queue for a thread pool that should start a thread only when every thread it has is
 * busy. A {@link java.util.concurrent.ThreadPoolExecutor} queues a task if the queue accepts it and
 * otherwise starts a thread; this queue accepts a task from {@link #offer} only while more threads
 * are waiting for work than tasks are queued (one of them takes it at once), or when the pool may
 * not grow. Threads waiting and tasks queued are counted under one lock, so two tasks arriving
 * together for one waiting thread do not both wait: the second one gets a new thread.
 *
 * <p>Queued tasks leave in their natural order (highest rank first). Tasks are queued only while no
 * thread waits, so a task handed to a waiting thread never overtakes a queued one.
 */
final class GrowWhenBusyQueue extends AbstractQueue<Runnable> implements BlockingQueue<Runnable> {

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final PriorityQueue<Runnable> tasks = new PriorityQueue<>();
  private int waiting;
  private BooleanSupplier poolMayGrow = () -> false;

  /**
   * Until this is set the queue accepts every task. It is asked under the queue's lock, so it must
   * not take the executor's own lock (the executor drains the queue under that lock).
   */
  void poolMayGrow(BooleanSupplier poolMayGrow) {
    this.poolMayGrow = poolMayGrow;
  }

  @Override
  public boolean offer(Runnable task) {
    return locked(() -> !(waiting <= tasks.size() && poolMayGrow.getAsBoolean()) && enqueue(task));
  }

  /** Queues a task whatever the pool's size: one that moved up in rank, or a full pool's. */
  void queue(Runnable task) {
    locked(() -> enqueue(task));
  }

  private boolean enqueue(Runnable task) {
    tasks.add(task);
    notEmpty.signal();
    return true;
  }

  @Override
  public void put(Runnable task) {
    queue(task);
  }

  @Override
  public boolean offer(Runnable task, long timeout, TimeUnit unit) {
    return offer(task);
  }

  @Override
  public Runnable take() throws InterruptedException {
    lock.lockInterruptibly();
    waiting++;
    try {
      while (tasks.isEmpty()) {
        notEmpty.await();
      }
      return tasks.poll();
    } finally {
      waiting--;
      lock.unlock();
    }
  }

  @Override
  public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lockInterruptibly();
    waiting++;
    try {
      while (tasks.isEmpty()) {
        if (nanos <= 0) {
          return null;
        }
        nanos = notEmpty.awaitNanos(nanos);
      }
      return tasks.poll();
    } finally {
      waiting--;
      lock.unlock();
    }
  }

  @Override
  public Runnable poll() {
    return locked(tasks::poll);
  }

  @Override
  public Runnable peek() {
    return locked(tasks::peek);
  }

  @Override
  public boolean remove(Object task) {
    return locked(() -> tasks.remove(task));
  }

  @Override
  public int size() {
    return locked(tasks::size);
  }

  private <T> T locked(Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public int remainingCapacity() {
    return Integer.MAX_VALUE;
  }

  /** Over a snapshot; its {@code remove} removes from the queue. */
  @Override
  public Iterator<Runnable> iterator() {
    Iterator<Runnable> snapshot = snapshot().iterator();
    return new Iterator<>() {
      private Runnable last;

      @Override
      public boolean hasNext() {
        return snapshot.hasNext();
      }

      @Override
      public Runnable next() {
        last = snapshot.next();
        return last;
      }

      @Override
      public void remove() {
        GrowWhenBusyQueue.this.remove(last);
      }
    };
  }

  @Override
  public Object[] toArray() {
    return snapshot().toArray();
  }

  @Override
  public <T> T[] toArray(T[] array) {
    return snapshot().toArray(array);
  }

  private List<Runnable> snapshot() {
    return locked(() -> new ArrayList<>(tasks));
  }

  @Override
  public int drainTo(Collection<? super Runnable> sink) {
    return drainTo(sink, Integer.MAX_VALUE);
  }

  @Override
  public int drainTo(Collection<? super Runnable> sink, int maxElements) {
    lock.lock();
    try {
      int drained = 0;
      while (drained < maxElements && !tasks.isEmpty()) {
        sink.add(tasks.poll());
        drained++;
      }
      return drained;
    } finally {
      lock.unlock();
    }
  }
}
