package dev.rollguard.operator.act;

import dev.rollguard.operator.api.RollbackSpec;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.decide.Notice;
import dev.rollguard.operator.decide.Notification;
import dev.rollguard.operator.notify.Notifications;
import dev.rollguard.operator.observability.OperatorMetrics;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Optional;

/**
 * Sends a decision's notices (events, counters, notifications) once the status recording the
 * decision is written. Notifications are only queued here: a slow or dead receiver never delays a
 * reconcile.
 */
public final class NoticeSender {

  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Notifications notifications;

  public NoticeSender(EventRecorder events, OperatorMetrics metrics) {
    this(events, metrics, Notifications.OFF);
  }

  public NoticeSender(EventRecorder events, OperatorMetrics metrics, Notifications notifications) {
    this.events = events;
    this.metrics = metrics;
    this.notifications = notifications;
  }

  public void send(Rollout rollout, Optional<Deployment> deployment, List<Notice> notices) {
    String namespace = rollout.getMetadata().getNamespace();
    String name = rollout.getMetadata().getName();
    for (Notice notice : notices) {
      if (notice instanceof Notice.Event event) {
        events.record(rollout, event.warning(), event.reason(), event.message());
        if (event.alsoOnWorkload()) {
          deployment.ifPresent(
              d ->
                  events.record(
                      d,
                      event.warning(),
                      event.reason(),
                      "Rollout " + name + ": " + event.message()));
        }
      } else if (notice instanceof Notice.RollbackCounted count) {
        metrics.rollbackPerformed(
            namespace,
            name,
            count.guard(),
            RollbackSpec.Mode.valueOf(count.mode()),
            count.detection());
      } else if (notice instanceof Notice.PromotionCounted) {
        metrics.promoted(namespace, name);
      } else if (notice instanceof Notice.Notify notify) {
        notifications.send(rollout, notify.notification());
      }
    }
    notifications
        .routingProblem(rollout)
        .ifPresent(problem -> events.record(rollout, true, Notifications.TARGET_UNKNOWN, problem));
  }

  /** A Warning event outside a decision: an error the Rollout reports. */
  public void warn(Rollout rollout, String reason, String message) {
    events.record(rollout, true, reason, message);
  }

  /** Restoring the stable template failed (reported once per failure, with its event). */
  public void rollbackFailed(Rollout rollout, String message, java.time.Instant at) {
    notifications.send(rollout, Notification.rollbackFailed(rollout, message, at));
  }
}
