package dev.rollguard.operator.act;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes Events for every user-visible decision ({@code kubectl describe} tells the story).
 * Sent from a small queue of its own so that a slow API server never holds a reconcile thread; an
 * event that cannot be sent is logged, never retried into a storm.
 */
public final class EventRecorder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  public static final String COMPONENT = "rollguard";
  private static final int MESSAGE_LIMIT = 1024;
  private static final int SENDERS = 4;

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;
  private final ThreadPoolExecutor sender;

  public EventRecorder(KubernetesClient client, Clock clock, String instance) {
    this.client = client;
    this.clock = clock;
    this.instance = instance;
    // A few senders: each create waits on the API server, and adopting 10,000 Rollouts makes
    // 20,000 events; one sender drained them for minutes after the work was done.
    AtomicInteger count = new AtomicInteger();
    this.sender =
        new ThreadPoolExecutor(
            SENDERS,
            SENDERS,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000),
            runnable -> {
              Thread thread = new Thread(runnable, "rollguard-events-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            (task, executor) -> LOG.warn("event queue full; dropping an event"));
  }

  public void record(HasMetadata about, boolean warning, String reason, String message) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    String text =
        message.length() > MESSAGE_LIMIT
            ? message.substring(0, MESSAGE_LIMIT - 3) + "..."
            : message;
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withGenerateName(about.getMetadata().getName() + ".")
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
            .withFirstTimestamp(now.toString())
            .withLastTimestamp(now.toString())
            .withCount(1)
            .build();
    LOG.info(
        "{} {} {}/{}: {}",
        event.getType(),
        reason,
        about.getMetadata().getNamespace(),
        about.getMetadata().getName(),
        text);
    sender.execute(
        () -> {
          try {
            client
                .v1()
                .events()
                .inNamespace(event.getMetadata().getNamespace())
                .resource(event)
                .create();
          } catch (RuntimeException e) {
            LOG.warn(
                "could not record event {} on {}: {}",
                reason,
                about.getMetadata().getName(),
                e.getMessage());
          }
        });
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
