package dev.rollguard.operator.notify;

import dev.rollguard.operator.decide.Notification;
import dev.rollguard.operator.measure.TokenCache;
import dev.rollguard.operator.observability.DaemonThreads;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers notifications to webhooks, off the reconcile threads: {@link #offer} never blocks and
 * never waits for a receiver. At most {@link Settings#capacity} messages are pending at once
 * (waiting, in flight or waiting for a retry); more are dropped and counted. Each message is tried
 * up to {@link Settings#attempts} times with exponential backoff when the receiver answers 5xx or
 * 429, times out or cannot be reached; other answers are final. Retries carry the same id.
 *
 * <p>The URL and token are read from their Secrets when a message is sent and never leave this
 * class: logs name the target, exception messages are redacted, metrics are labelled by target.
 */
public final class NotificationSender implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NotificationSender.class);

  /** Outcomes counted in {@code rollguard_notifications_total{target,outcome}}. */
  public static final String SENT = "sent";

  public static final String RETRIED = "retried";
  public static final String FAILED = "failed";
  public static final String DROPPED = "dropped";

  public static final java.util.List<String> OUTCOMES =
      java.util.List.of(SENT, RETRIED, FAILED, DROPPED);

  /** How much is sent and retried, how patiently. */
  public record Settings(
      int capacity,
      int attempts,
      Duration firstBackoff,
      Duration connectTimeout,
      Duration requestTimeout) {

    /** 1000 pending; 5 attempts 1, 2, 4 and 8 s apart; 5 s to connect, 10 s to answer. */
    public static final Settings DEFAULT =
        new Settings(1000, 5, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  /** Counts an outcome for a target. */
  public interface Outcomes {
    void count(String target, String outcome);
  }

  /** Reads a Secret key: a URL or a token. */
  public interface SecretReader {
    TokenCache.Result read(Target.SecretRef ref);
  }

  private record Message(Target target, Notification notification, String id, int attempt) {
    Message next() {
      return new Message(target, notification, id, attempt + 1);
    }
  }

  private final Settings settings;
  private final SecretReader secrets;
  private final Outcomes outcomes;
  private final Clock clock;
  private final ScheduledExecutorService worker;
  private final ExecutorService httpExecutor;
  private final HttpClient http;
  private final AtomicInteger pending = new AtomicInteger();
  private final Map<String, Instant> droppedLoggedAt = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public NotificationSender(
      Settings settings, SecretReader secrets, Outcomes outcomes, Clock clock) {
    this.settings = Objects.requireNonNull(settings);
    this.secrets = Objects.requireNonNull(secrets);
    this.outcomes = Objects.requireNonNull(outcomes);
    this.clock = Objects.requireNonNull(clock);
    this.worker =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("rollguard-notify"));
    this.httpExecutor =
        Executors.newFixedThreadPool(2, DaemonThreads.named("rollguard-notify-http"));
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(httpExecutor)
            .build();
  }

  /**
   * Queues a message for {@code target}; returns at once. False when it was dropped (too many
   * pending, or the sender is closed).
   */
  public boolean offer(Target target, Notification notification, String id) {
    if (closed) {
      return false;
    }
    if (pending.incrementAndGet() > settings.capacity()) {
      pending.decrementAndGet();
      outcomes.count(target.name(), DROPPED);
      logDropped(target.name());
      return false;
    }
    Message message = new Message(target, notification, id, 1);
    try {
      worker.execute(() -> attempt(message));
      return true;
    } catch (RejectedExecutionException e) {
      pending.decrementAndGet();
      return false;
    }
  }

  /** Messages waiting, in flight or waiting for a retry. */
  public int pending() {
    return pending.get();
  }

  private void attempt(Message message) {
    Target target = message.target();
    String url = null;
    String token = null;
    try {
      TokenCache.Result readUrl = secrets.read(target.url());
      if (readUrl instanceof TokenCache.Failure failure) {
        finalFailure(message, "its URL cannot be read: " + failure.reason());
        return;
      }
      url = ((TokenCache.Token) readUrl).value().strip();
      if (target.token() != null) {
        TokenCache.Result readToken = secrets.read(target.token());
        if (readToken instanceof TokenCache.Failure failure) {
          finalFailure(message, "its token cannot be read: " + failure.reason());
          return;
        }
        token = ((TokenCache.Token) readToken).value().strip();
      }
      HttpRequest request = request(message, url, token);
      String usedUrl = url;
      String usedToken = token;
      http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .whenComplete(
              (response, error) ->
                  execute(() -> answered(message, response, error, usedUrl, usedToken)));
    } catch (RuntimeException e) {
      // A URL that is no http(s) URL, for example: never retried, never quoted.
      finalFailure(message, describe(e, target.name(), url, token));
    }
  }

  private HttpRequest request(Message message, String url, String token) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("its URL is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException("its URL is not an http(s) URL");
    }
    Target target = message.target();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(settings.requestTimeout())
            .header("Content-Type", Payloads.contentType(target.format()))
            .header("User-Agent", "rollguard")
            .POST(
                HttpRequest.BodyPublishers.ofByteArray(
                    Payloads.render(target.format(), message.notification(), message.id())));
    if (token != null && !token.isEmpty()) {
      builder.header("Authorization", "Bearer " + token);
    }
    return builder.build();
  }

  private void answered(
      Message message, HttpResponse<Void> response, Throwable error, String url, String token) {
    String target = message.target().name();
    String why;
    boolean retry;
    if (error == null) {
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        pending.decrementAndGet();
        outcomes.count(target, SENT);
        LOG.info(
            "notification {} of Rollout {}/{} sent to target {}{}",
            message.notification().kind(),
            message.notification().namespace(),
            message.notification().rollout(),
            target,
            message.attempt() > 1 ? " (attempt " + message.attempt() + ")" : "");
        return;
      }
      why = "HTTP " + status;
      retry = status >= 500 || status == 429;
    } else {
      Throwable cause =
          error instanceof CompletionException && error.getCause() != null
              ? error.getCause()
              : error;
      why =
          cause instanceof HttpTimeoutException
              ? "no answer within " + settings.requestTimeout().toSeconds() + "s"
              : describe(cause, target, url, token);
      retry = cause instanceof IOException;
    }
    if (retry && message.attempt() < settings.attempts() && !closed) {
      Duration backoff = backoff(message.attempt());
      outcomes.count(target, RETRIED);
      LOG.warn(
          "notification {} of Rollout {}/{} to target {}: attempt {} of {} failed ({});"
              + " retrying in {} ms",
          message.notification().kind(),
          message.notification().namespace(),
          message.notification().rollout(),
          target,
          message.attempt(),
          settings.attempts(),
          why,
          backoff.toMillis());
      try {
        worker.schedule(() -> attempt(message.next()), backoff.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopping) {
        pending.decrementAndGet();
      }
      return;
    }
    finalFailure(
        message,
        why + (retry ? " on the last of " + settings.attempts() + " attempts" : ", not retried"));
  }

  private void finalFailure(Message message, String why) {
    pending.decrementAndGet();
    outcomes.count(message.target().name(), FAILED);
    LOG.warn(
        "notification {} of Rollout {}/{} to target {} failed: {}",
        message.notification().kind(),
        message.notification().namespace(),
        message.notification().rollout(),
        message.target().name(),
        why);
  }

  /** 1, 2, 4, 8 ... times the first backoff, after attempt 1, 2, 3, 4 ... */
  Duration backoff(int attempt) {
    return settings.firstBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
  }

  private void execute(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException stopping) {
      pending.decrementAndGet();
    }
  }

  private void logDropped(String target) {
    Instant now = clock.instant();
    Instant last = droppedLoggedAt.get(target);
    if (last == null || !now.isBefore(last.plus(Duration.ofMinutes(1)))) {
      droppedLoggedAt.put(target, now);
      LOG.warn(
          "notifications to target {} dropped: {} messages already pending (counted in"
              + " rollguard_notifications_total{{outcome=\"dropped\"}}; logged once a minute)",
          target,
          settings.capacity());
    }
  }

  /** An exception as a log line, without the target's URL or token. */
  static String describe(Throwable e, String target, String url, String token) {
    String text =
        e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    if (e.getCause() != null && e.getCause() != e && e.getCause().getMessage() != null) {
      text +=
          " (" + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage() + ")";
    }
    return Redaction.redact(text, target, url, token);
  }

  /** Stops sending: messages still pending are not sent (and said so). */
  @Override
  public void close() {
    closed = true;
    worker.shutdownNow();
    httpExecutor.shutdownNow();
    int left = pending.get();
    if (left > 0) {
      LOG.warn("{} notifications not sent: the operator is stopping", left);
    }
  }
}
