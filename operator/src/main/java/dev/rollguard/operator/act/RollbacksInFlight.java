package dev.rollguard.operator.act;

/**
 * Rollbacks between their decision and their restore. Their writes wait on the API server like any
 * other request, and in a burst of rollbacks on a busy control plane each write took longer the
 * more requests shared it. So the writes that can wait a few seconds without changing anything a
 * decision depends on (the operator's events) hold back while a rollback is in flight: the API
 * server serves the rollbacks first.
 */
public final class RollbacksInFlight {

  private final Object lock = new Object();
  private int inFlight;

  /** A scope for one reconcile: {@link Scope#enter()} once it knows it is rolling back. */
  public Scope scope() {
    return new Scope();
  }

  /**
   * Waits until no rollback is in flight, or until {@code deadlineNanos} ({@link System#nanoTime()}
   * time) has passed, whichever comes first.
   */
  public void awaitNone(long deadlineNanos) throws InterruptedException {
    synchronized (lock) {
      long left;
      while (inFlight > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
        lock.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /** One reconcile's share: entered at most once, left on close. */
  public final class Scope implements AutoCloseable {

    private boolean entered;

    private Scope() {}

    /** This reconcile records or carries out a rollback; entering again does nothing. */
    public void enter() {
      if (entered) {
        return;
      }
      entered = true;
      synchronized (lock) {
        inFlight++;
      }
    }

    @Override
    public void close() {
      if (!entered) {
        return;
      }
      entered = false;
      synchronized (lock) {
        if (--inFlight == 0) {
          lock.notifyAll();
        }
      }
    }
  }
}
