package dev.rollguard.operator.observability;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads named for what they do (so a thread dump reads "rollguard-reconcile-7", not
 * "pool-3-thread-7"), and daemon, so that none keeps the JVM alive once the operator stops.
 */
public final class DaemonThreads {

  private DaemonThreads() {}

  /** Threads named {@code prefix-1}, {@code prefix-2}, ... */
  public static ThreadFactory named(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
