package dev.rollguard.operator.measure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Prometheus bearer tokens read from Secrets, kept for a short while.
 *
 * <p>A TTL cache rather than an informer: the operator may only {@code get} the Secrets listed in
 * the chart's {@code prometheusTokenSecrets}, never list or watch them. A token read is kept for
 * {@link #TOKEN_TTL}, so a changed token is used within that time; a failed read (Secret missing,
 * key missing, forbidden, API server down) only for {@link #FAILURE_TTL}, so a Secret created after
 * its Rollout is picked up soon.
 *
 * <p>{@link #get} may block while the Secret is read: call it on the measurement executor, never on
 * a reconcile thread nor under a lock. Callers asking for the same key while it is being read wait
 * for that one read instead of sending their own.
 */
public final class TokenCache {

  public static final Duration TOKEN_TTL = Duration.ofSeconds(30);
  public static final Duration FAILURE_TTL = Duration.ofSeconds(5);

  /** Far more than the Secrets a cluster's Rollouts name; only a bound against leaks. */
  static final int MAX_ENTRIES = 256;

  /** A Secret key: the Secret {@code name} in {@code namespace}, and the {@code key} within it. */
  public record Key(String namespace, String name, String key) {}

  /** What reading a token gave. */
  public sealed interface Result permits Token, Failure {}

  /** The token. Never printed: results end up in logs and exception messages. */
  public record Token(String value) implements Result {
    @Override
    public String toString() {
      return "Token[<redacted>]";
    }
  }

  /** Why there is no token, worded for a Rollout's status (e.g. "Secret prom-token not found"). */
  public record Failure(String reason) implements Result {}

  private final Function<Key, Result> loader;
  private final Clock clock;
  private final Duration tokenTtl;
  private final Duration failureTtl;
  private final int maxEntries;
  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

  /**
   * @param loader reads a token from the API server; an exception it throws becomes a {@link
   *     Failure}
   */
  public TokenCache(Function<Key, Result> loader, Clock clock) {
    this(loader, clock, TOKEN_TTL, FAILURE_TTL, MAX_ENTRIES);
  }

  TokenCache(
      Function<Key, Result> loader,
      Clock clock,
      Duration tokenTtl,
      Duration failureTtl,
      int maxEntries) {
    this.loader = Objects.requireNonNull(loader, "loader");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.tokenTtl = tokenTtl;
    this.failureTtl = failureTtl;
    this.maxEntries = maxEntries;
  }

  /** The token under {@code key}, read now if not cached or expired. Never throws. */
  public Result get(Key key) {
    Instant now = clock.instant();
    Entry[] created = new Entry[1];
    // Only the placeholder is put under the map's lock; the read itself happens outside it.
    Entry entry =
        entries.compute(
            key,
            (k, current) -> {
              if (current != null && current.freshAt(now)) {
                return current;
              }
              created[0] = new Entry();
              return created[0];
            });
    if (entry == created[0]) {
      load(key, entry);
      evictIfFull(key);
    }
    return entry.result.join();
  }

  private void load(Key key, Entry entry) {
    Result result = null;
    try {
      result = Objects.requireNonNull(loader.apply(key), "loader returned null");
    } catch (RuntimeException e) {
      result =
          new Failure(
              "could not read Secret "
                  + key.name()
                  + ": "
                  + (e.getMessage() != null ? e.getMessage() : e.toString()));
    } finally {
      if (result == null) {
        // An Error: still release the callers waiting for this read.
        result = new Failure("could not read Secret " + key.name());
      }
      entry.expiresAt = clock.instant().plus(result instanceof Token ? tokenTtl : failureTtl);
      entry.result.complete(result);
    }
  }

  /** Drops expired entries, then any others, once there are more than {@code maxEntries}. */
  private void evictIfFull(Key keep) {
    if (entries.size() <= maxEntries) {
      return;
    }
    Instant now = clock.instant();
    entries.values().removeIf(entry -> !entry.freshAt(now));
    var keys = entries.keySet().iterator();
    while (entries.size() > maxEntries && keys.hasNext()) {
      Key key = keys.next();
      if (!key.equals(keep)) {
        keys.remove();
      }
    }
  }

  /** Entries in the cache; for tests. */
  int size() {
    return entries.size();
  }

  private static final class Entry {
    final CompletableFuture<Result> result = new CompletableFuture<>();

    /**
     * Null while the Secret is being read: the entry is then fresh, its callers wait for the read.
     */
    volatile Instant expiresAt;

    boolean freshAt(Instant now) {
      Instant expires = expiresAt;
      return expires == null || now.isBefore(expires);
    }
  }
}
