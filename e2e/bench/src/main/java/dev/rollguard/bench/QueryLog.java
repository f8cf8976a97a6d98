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
 * <p>Memory is bounded: per Deployment a counter, the first breaching answer since the last {@link
 * #resetBreaches} and the times of the last {@value #RECENT} breaching answers.
 */
final class QueryLog {

  static final int RECENT = 16;

  private static final class Entry {
    long queries;
    long firstBreach = -1;
    final long[] recent = new long[RECENT];
    int next;
    int size;
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  /** One query for {@code deployment}, answered at {@code atMillis}; breaching or not. */
  void answered(String deployment, boolean breaching, long atMillis) {
    Entry entry = entries.computeIfAbsent(deployment, name -> new Entry());
    synchronized (entry) {
      entry.queries++;
      if (breaching) {
        if (entry.firstBreach < 0) {
          entry.firstBreach = atMillis;
        }
        entry.recent[entry.next] = atMillis;
        entry.next = (entry.next + 1) % RECENT;
        entry.size = Math.min(RECENT, entry.size + 1);
      }
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

  /** Forgets the breaching answers of {@code deployment} (before a new deploy of it). */
  void resetBreaches(String deployment) {
    Entry entry = entries.get(deployment);
    if (entry != null) {
      synchronized (entry) {
        entry.firstBreach = -1;
        entry.size = 0;
        entry.next = 0;
      }
    }
  }

  /** When the first breaching db-connections value since the last reset was answered. */
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
   * The last breaching answer at or before {@code millis}: the measurement a controller acted on
   * when it acted at {@code millis} (empty if it was evicted or never came).
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
