package dev.rollguard.operator.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.measure.TokenCache.Failure;
import dev.rollguard.operator.measure.TokenCache.Key;
import dev.rollguard.operator.measure.TokenCache.Result;
import dev.rollguard.operator.measure.TokenCache.Token;
import dev.rollguard.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TokenCacheTest {

  private static final Key KEY = new Key("shop", "prom-token", "token");

  private final MovableClock clock = new MovableClock(Instant.parse("2026-11-25T10:00:00Z"));
  private final AtomicInteger reads = new AtomicInteger();

  /** A loader that counts its reads and answers "token-1", "token-2", ... */
  private final Function<Key, Result> numberedTokens =
      key -> new Token("token-" + reads.incrementAndGet());

  @Test
  void aTokenIsKeptForItsTtlThenReadAgain() {
    TokenCache cache = new TokenCache(numberedTokens, clock);

    assertThat(cache.get(KEY)).isEqualTo(new Token("token-1"));
    clock.advance(TokenCache.TOKEN_TTL.minusMillis(1));
    assertThat(cache.get(KEY)).isEqualTo(new Token("token-1"));
    assertThat(reads).hasValue(1);

    clock.advance(Duration.ofMillis(1));
    assertThat(cache.get(KEY)).isEqualTo(new Token("token-2"));
    assertThat(reads).hasValue(2);
  }

  @Test
  void aFailureIsKeptOnlyBrieflySoASecretCreatedLaterIsSoonUsed() {
    TokenCache cache =
        new TokenCache(
            key ->
                reads.incrementAndGet() == 1
                    ? new Failure("Secret prom-token not found")
                    : new Token("created-later"),
            clock);

    assertThat(cache.get(KEY)).isEqualTo(new Failure("Secret prom-token not found"));
    clock.advance(TokenCache.FAILURE_TTL.minusMillis(1));
    assertThat(cache.get(KEY)).isInstanceOf(Failure.class);
    assertThat(reads).hasValue(1);

    clock.advance(Duration.ofMillis(1));
    assertThat(cache.get(KEY)).isEqualTo(new Token("created-later"));
    assertThat(TokenCache.FAILURE_TTL).isLessThanOrEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aLoaderThatThrowsGivesAFailureNamingTheSecretAndIsAskedAgainSoon() {
    TokenCache cache =
        new TokenCache(
            key -> {
              reads.incrementAndGet();
              throw new IllegalStateException("connection refused");
            },
            clock);

    assertThat(cache.get(KEY))
        .isEqualTo(new Failure("could not read Secret prom-token: connection refused"));
    clock.advance(TokenCache.FAILURE_TTL);
    cache.get(KEY);
    assertThat(reads).hasValue(2);
  }

  @Test
  void eachNamespaceSecretAndKeyIsCachedApart() {
    TokenCache cache = new TokenCache(numberedTokens, clock);

    cache.get(KEY);
    cache.get(new Key("shop", "prom-token", "other-key"));
    cache.get(new Key("shop", "other-secret", "token"));
    cache.get(new Key("billing", "prom-token", "token"));
    cache.get(KEY);

    assertThat(reads).hasValue(4);
  }

  @Test
  void concurrentLookupsOfOneSecretReadItOnce() throws InterruptedException {
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    TokenCache cache =
        new TokenCache(
            key -> {
              reads.incrementAndGet();
              reading.countDown();
              awaitLatch(release);
              return new Token("only-read");
            },
            clock);
    ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();

    Thread first = lookUp(cache, results);
    awaitLatch(reading);
    List<Thread> others = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      others.add(lookUp(cache, results));
    }
    // Parked waiting for the first thread's read, not reading themselves.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> others.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
    release.countDown();
    first.join(10_000);
    for (Thread other : others) {
      other.join(10_000);
    }

    assertThat(reads).hasValue(1);
    assertThat(results).hasSize(5).containsOnly(new Token("only-read"));
  }

  @Test
  void holdsNoMoreThanItsBound() {
    TokenCache cache =
        new TokenCache(numberedTokens, clock, TokenCache.TOKEN_TTL, TokenCache.FAILURE_TTL, 2);

    for (int i = 0; i < 5; i++) {
      cache.get(new Key("shop", "secret-" + i, "token"));
    }

    assertThat(cache.size()).isEqualTo(2);
    assertThat(cache.get(new Key("shop", "secret-4", "token"))).isEqualTo(new Token("token-5"));
  }

  @Test
  void aTokenIsNeverPrinted() {
    assertThat(new Token("s3cr3t").toString()).doesNotContain("s3cr3t");
  }

  private static Thread lookUp(TokenCache cache, ConcurrentLinkedQueue<Result> results) {
    Thread thread = new Thread(() -> results.add(cache.get(KEY)), "token-lookup");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).as("latch released in time").isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
