package dev.rollguard.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the benchmark's metrics endpoint answered, per Deployment: how many guard queries it
 * received, and when it answered a breaching db-connections value. It sees every query of every
 * controller the same way, so both sides of a comparison are counted by this one class.
 *
 * <p>A breaching answer counts as a measurement only if the query asked about a time from {@link
 * #resetBreaches}'s {@code measurementsFrom} on: a query about an earlier time is not an analysis
 * measurement (Rollguard's baseline, queried at the deploy for the time just before it) and is only
 * counted.
 *
 * <p>Memory is bounded: per Deployment two counters, the first breaching measurement since the last
 * {@link #resetBreaches} and the answer times of the last {@value #RECENT} of them.
 */
final class QueryLog {

  static final int RECENT = 16;

  private static final class Entry {
    long queries;
    long measurementsFrom = Long.MIN_VALUE;
    long earlyBreaching;
    long firstBreach = -1;
    final long[] recent = new long[RECENT];
    int next;
    int size;
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /**
   * One query for {@code deployment} about the time {@code evaluatedMillis}, answered at {@code
   * atMillis}; breaching or not.
   */
  void answered(String deployment, boolean breaching, long evaluatedMillis, long atMillis) {
    Entry entry = entries.computeIfAbsent(deployment, name -> new Entry());
    synchronized (entry) {
      entry.queries++;
      if (!breaching) {
        return;
      }
      if (evaluatedMillis < entry.measurementsFrom) {
        entry.earlyBreaching++;
        return;
      }
      if (entry.firstBreach < 0) {
        entry.firstBreach = atMillis;
      }
      entry.recent[entry.next] = atMillis;
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
   * Forgets the breaching answers of {@code deployment} (before a new deploy of it); from now on
   * only queries about a time from {@code measurementsFrom} on count as measurements.
   */
  void resetBreaches(String deployment, long measurementsFrom) {
    Entry entry = entries.computeIfAbsent(deployment, name -> new Entry());
    synchronized (entry) {
      entry.measurementsFrom = measurementsFrom;
      entry.earlyBreaching = 0;
      entry.firstBreach = -1;
      entry.size = 0;
      entry.next = 0;
    }
  }

  /**
   * Breaching answers since the last reset to queries about a time before its {@code
   * measurementsFrom}: not measurements (a baseline).
   */
  long earlyBreachingAnswers(String deployment) {
    Entry entry = entries.get(deployment);
    if (entry == null) {
      return 0;
    }
    synchronized (entry) {
      return entry.earlyBreaching;
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
