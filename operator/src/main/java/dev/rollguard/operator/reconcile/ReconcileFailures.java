package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.act.NoticeSender;
import dev.rollguard.operator.act.RollbackFailedException;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No Rollout fails silently: a reconcile that throws sets {@code Ready=False} with the reason
 * ({@code RollbackFailed} when restoring the stable template failed, else {@code ReconcileError})
 * and the error's message, and sends a Warning event when that is news. The SDK retries; the
 * next clean decision writes Ready from the stage again.
 */
final class ReconcileFailures {

  private static final Logger LOG = LoggerFactory.getLogger(ReconcileFailures.class);
  static final int MESSAGE_LIMIT = 1024;

  private ReconcileFailures() {}

  static ErrorStatusUpdateControl<Rollout> report(Rollout rollout, Context<Rollout> context, Exception e,
      NoticeSender notices) {
    String reason = reason(e);
    int attempt = context.getRetryInfo().map(info -> info.getAttemptCount()).orElse(1);
    String message = limit(describe(e)) + " (attempt " + attempt + "; retrying)";
    LOG.warn("Rollout {}/{}: {}", rollout.getMetadata().getNamespace(), rollout.getMetadata().getName(), message, e);
    RolloutStatus status = rollout.getStatus() != null ? rollout.getStatus() : new RolloutStatus();
    if (status.conditions == null) {
      status.conditions = new ArrayList<>();
    }
    Condition ready = status.conditions.stream().filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
    boolean news = ready == null || !reason.equals(ready.getReason())
        || !sameError(ready.getMessage(), message);
    if (news) {
      notices.warn(rollout, reason, message);
    }
    String transition = ready != null && "False".equals(ready.getStatus()) ? ready.getLastTransitionTime()
        : Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
    Condition failed = new ConditionBuilder().withType("Ready").withStatus("False").withReason(reason)
        .withMessage(message).withLastTransitionTime(transition)
        .withObservedGeneration(rollout.getMetadata().getGeneration()).build();
    if (ready != null) {
      status.conditions.set(status.conditions.indexOf(ready), failed);
    } else {
      status.conditions.add(failed);
    }
    rollout.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(rollout);
  }

  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RollbackFailedException) {
        return "RollbackFailed";
      }
    }
    return "ReconcileError";
  }

  private static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RollbackFailedException) {
        return t.getMessage();
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return root == e ? text : text + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }

  /** The same error on a later attempt is not news: compare without the attempt count. */
  private static boolean sameError(String before, String now) {
    if (before == null) {
      return false;
    }
    int a = before.lastIndexOf(" (attempt ");
    int b = now.lastIndexOf(" (attempt ");
    return a >= 0 && b >= 0 && before.substring(0, a).equals(now.substring(0, b));
  }

  private static String limit(String text) {
    return text.length() <= MESSAGE_LIMIT ? text : text.substring(0, MESSAGE_LIMIT) + "…";
  }
}
