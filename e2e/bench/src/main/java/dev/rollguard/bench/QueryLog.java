package dev.rollguard.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the benchmark's metrics endpoint answered, per Deployment: how many guard queries it
 * received, and when it answered a breaching db-connections value. It sees every query of every
 * controller the same way, so both sides of a comparison are counted by this one class.
 *
 * <p>A breaching answer counts as a measurement only if the query asked about the moment it was
 * sent, as every measurement of either controller does (Rollguard evaluates a round at the time it
 * runs, Argo Rollouts at time.Now()). A query about a time {@value #PAST_MILLIS} ms or more before
 * it arrived looks into the past: Rollguard's baseline, queried at a deploy for the time 1 s before
 * it saw the deploy. Those are counted, not logged as measurements. The largest delay between a
 * measurement query's evaluation time and its arrival is kept, to show that this classification
 * held.
 *
 * <p>Memory is bounded: per Deployment two counters, the first breaching measurement since the last
 * {@link #resetBreaches} and the answer times of the last {@value #RECENT} of them.
 */
final class QueryLog {

  static final int RECENT = 16;
  static final long PAST_MILLIS = 950;

  private static final class Entry {
    long queries;
    long pastBreaching;
    long firstBreach = -1;
    final long[] recent = new long[RECENT];
    int next;
    int size;
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong maxMeasurementLag = new AtomicLong();

  /**
   * One query for {@code deployment} about the time {@code evaluatedMillis}, arrived at {@code
   * arrivedMillis} and answered at {@code answeredMillis}; breaching or not.
   */
  void answered(
      String deployment,
      boolean breaching,
      long evaluatedMillis,
      long arrivedMillis,
      long answeredMillis) {
    Entry entry = entries.computeIfAbsent(deployment, name -> new Entry());
    long lag = arrivedMillis - evaluatedMillis;
    boolean past = lag >= PAST_MILLIS;
    if (!past) {
      maxMeasurementLag.accumulateAndGet(lag, Math::max);
    }
    synchronized (entry) {
      entry.queries++;
      if (!breaching) {
        return;
      }
      if (past) {
        entry.pastBreaching++;
        return;
      }
      if (entry.firstBreach < 0) {
        entry.firstBreach = answeredMillis;
      }
      entry.recent[entry.next] = answeredMillis;
      entry.next = (entry.next + 1) % RECENT;
      entry.size = Math.min(RECENT, entry.size + 1);
    }
  }

  /** Queries received so far, per Deployment (a copy). */
  Map<String, Long> counts() {
    Map<String, Long> counts = new HashMap<>();
    entries.forEach(
        (name, entry) -> {
          synchronized (entry) {
            counts.put(name, entry.queries);
          }
        });
    return counts;
  }

  /**
   * The largest delay so far between a measurement query's evaluation time and its arrival
   * (milliseconds; queries about the past left out).
   */
  long maxMeasurementLagMillis() {
    return maxMeasurementLag.get();
  }

  /** Forgets the breaching answers of {@code deployment} (before a new deploy of it). */
  void resetBreaches(String deployment) {
    Entry entry = entries.computeIfAbsent(deployment, name -> new Entry());
    synchronized (entry) {
      entry.pastBreaching = 0;
      entry.firstBreach = -1;
      entry.size = 0;
      entry.next = 0;
    }
  }

  /**
   * Breaching answers since the last reset to queries about the past: not measurements (a
   * baseline).
   */
  long pastBreachingAnswers(String deployment) {
    Entry entry = entries.get(deployment);
    if (entry == null) {
      return 0;
    }
    synchronized (entry) {
      return entry.pastBreaching;
    }
  }

  /** When the first breaching db-connections measurement since the last reset was answered. */
  OptionalLong firstBreachingAnswer(String deployment) {
    Entry entry = entries.get(deployment);
    if (entry == null) {
      return OptionalLong.empty();
    }
    synchronized (entry) {
      return entry.firstBreach < 0 ? OptionalLong.empty() : OptionalLong.of(entry.firstBreach);
    }
  }

  /**
   * The last breaching measurement answered at or before {@code millis}: the one a controller acted
   * on when it acted at {@code millis} (empty if it was evicted or never came).
   */
  OptionalLong lastBreachingAnswerUntil(String deployment, long millis) {
    Entry entry = entries.get(deployment);
    if (entry == null) {
      return OptionalLong.empty();
    }
    synchronized (entry) {
      long best = -1;
      for (int i = 0; i < entry.size; i++) {
        long at = entry.recent[i];
        if (at <= millis && at > best) {
          best = at;
        }
      }
      return best < 0 ? OptionalLong.empty() : OptionalLong.of(best);
    }
  }
}
