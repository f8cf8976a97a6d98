package dev.rollguard.operator.act;

import dev.rollguard.operator.observability.DaemonThreads;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events for every user-visible decision ({@code kubectl describe} tells the story).
 * Sent from a small queue of its own so that a slow API server never holds a reconcile thread; an
 * event that cannot be sent is logged, never retried into a storm.
 *
 * <p>Events of one second keep the order they were recorded in. A breach and the rollback it causes
 * often fall in the same second, and {@code lastTimestamp} has second resolution. {@code kubectl
 * describe} sorts by {@code lastTimestamp} alone, keeping the API server's order (by name) for
 * ties, so an event is named, like the events of Kubernetes' own recorder, after the object it is
 * about and its time in hexadecimal nanoseconds ({@code checkout.18a2b3c4d5e6f708}): name order is
 * time order. It also carries that time to the microsecond in {@code eventTime} (with an {@code
 * action}, as the newer events API has it), for {@code kubectl get events --sort-by=.eventTime}.
 * Times are strictly increasing per recorder, so events recorded one after the other sort in that
 * order even within a microsecond.
 *
 * <p>While a rollback is in flight, an event waits up to {@link #HOLD_LIMIT_NANOS} after it was
 * recorded before it is sent ({@link RollbacksInFlight}): its times are those of the decision, so
 * only its arrival is later.
 */
public final class EventRecorder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  public static final String COMPONENT = "rollguard";
  private static final int MESSAGE_LIMIT = 1024;
  private static final int SENDERS = 4;
  private static final int ACTION_LIMIT = 128;

  /** The longest an event waits for rollbacks in flight, counted from when it was recorded. */
  static final long HOLD_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** The format of {@code eventTime} (Kubernetes' RFC3339Micro: exactly six fractional digits). */
  static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;
  private final ThreadPoolExecutor sender;
  private final AtomicLong lastMicros = new AtomicLong(Long.MIN_VALUE);
  private final RollbacksInFlight rollbacks;

  public EventRecorder(KubernetesClient client, Clock clock, String instance) {
    this(client, clock, instance, new RollbacksInFlight());
  }

  /** Events wait (up to {@link #HOLD_LIMIT_NANOS}) while {@code rollbacks} has one in flight. */
  public EventRecorder(
      KubernetesClient client, Clock clock, String instance, RollbacksInFlight rollbacks) {
    this.rollbacks = rollbacks;
    this.client = client;
    this.clock = clock;
    this.instance = instance;
    // A few senders: each create waits on the API server, and adopting 10,000 Rollouts makes
    // 20,000 events; one sender drained them for minutes after the work was done.
    this.sender =
        new ThreadPoolExecutor(
            SENDERS,
            SENDERS,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000),
            DaemonThreads.named("rollguard-events"),
            (task, executor) -> LOG.warn("event queue full; dropping an event"));
  }

  public void record(HasMetadata about, boolean warning, String reason, String message) {
    Instant now = next(clock.instant());
    String seconds = now.truncatedTo(ChronoUnit.SECONDS).toString();
    String text =
        message.length() > MESSAGE_LIMIT
            ? message.substring(0, MESSAGE_LIMIT - 3) + "..."
            : message;
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withName(name(about, now))
            .withNamespace(about.getMetadata().getNamespace())
            .endMetadata()
            .withInvolvedObject(
                new ObjectReferenceBuilder()
                    .withApiVersion(about.getApiVersion())
                    .withKind(about.getKind())
                    .withName(about.getMetadata().getName())
                    .withNamespace(about.getMetadata().getNamespace())
                    .withUid(about.getMetadata().getUid())
                    .build())
            .withType(warning ? "Warning" : "Normal")
            .withReason(reason)
            .withMessage(text)
            .withNewSource()
            .withComponent(COMPONENT)
            .endSource()
            .withReportingComponent("rollguard.dev/operator")
            .withReportingInstance(instance)
            .withAction(reason.length() > ACTION_LIMIT ? reason.substring(0, ACTION_LIMIT) : reason)
            .withEventTime(new MicroTime(MICRO_TIME.format(now)))
            .withFirstTimestamp(seconds)
            .withLastTimestamp(seconds)
            .withCount(1)
            .build();
    LOG.info(
        "{} {} {}/{}: {}",
        event.getType(),
        reason,
        about.getMetadata().getNamespace(),
        about.getMetadata().getName(),
        text);
    long holdUntil = System.nanoTime() + HOLD_LIMIT_NANOS;
    sender.execute(
        () -> {
          try {
            rollbacks.awaitNone(holdUntil);
            client
                .v1()
                .events()
                .inNamespace(event.getMetadata().getNamespace())
                .resource(event)
                .create();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            LOG.warn(
                "could not record event {} on {}: {}",
                reason,
                about.getMetadata().getName(),
                e.getMessage());
          }
        });
  }

  /** {@code <object>.<nanoseconds since the epoch, 16 hex digits>}: sorts in time order. */
  static String name(HasMetadata about, Instant at) {
    long nanos = ChronoUnit.NANOS.between(Instant.EPOCH, at);
    String object = about.getMetadata().getName();
    // A name has at most 253 characters; the time takes 17.
    return object.substring(0, Math.min(object.length(), 236))
        + "."
        + String.format("%016x", nanos);
  }

  /** The clock's time to the microsecond, but always after the previous event's. */
  private Instant next(Instant clockTime) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, clockTime);
    long stamped = lastMicros.accumulateAndGet(micros, (last, now) -> Math.max(last + 1, now));
    return Instant.EPOCH.plus(stamped, ChronoUnit.MICROS);
  }

  @Override
  public void close() {
    sender.shutdown();
    try {
      sender.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
