package dev.rollguard.bench;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition with a bound, printing progress now and then; fails the run when the bound
 * passes, or with {@link #within} tells the caller so.
 */
final class Await {

  private Await() {}

  static Duration until(
      String what, Duration bound, BooleanSupplier done, Supplier<String> progress)
      throws InterruptedException {
    return within(what, bound, done, progress)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    what + ": not done after " + bound + " (" + progress.get() + ")"));
  }

  /**
   * As {@link #until}, but empty when the bound passes, for a run that goes on with what it has.
   */
  static Optional<Duration> within(
      String what, Duration bound, BooleanSupplier done, Supplier<String> progress)
      throws InterruptedException {
    long started = System.nanoTime();
    long lastPrint = started;
    while (!done.getAsBoolean()) {
      long now = System.nanoTime();
      if (now - started > bound.toNanos()) {
        return Optional.empty();
      }
      if (now - lastPrint > Duration.ofSeconds(15).toNanos()) {
        Log.say("  waiting for " + what + ": " + progress.get());
        lastPrint = now;
      }
      Thread.sleep(200);
    }
    return Optional.of(Duration.ofNanos(System.nanoTime() - started));
  }
}
