package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.act.NoticeSender;
import dev.rollguard.operator.act.PatchTargets;
import dev.rollguard.operator.act.RollbackFailedException;
import dev.rollguard.operator.api.ConditionStatus;
import dev.rollguard.operator.api.ConditionType;
import dev.rollguard.operator.api.Conditions;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * No Rollout fails silently: a reconcile that throws sets {@code Ready=False} with the reason
 * ({@code RollbackFailed} when restoring the stable template failed, else {@code ReconcileError})
 * and the error's message, and sends a Warning event when that is news. The SDK retries; the next
 * clean decision writes Ready from the stage again.
 */
final class ReconcileFailures {

  private static final Logger LOG = LoggerFactory.getLogger(ReconcileFailures.class);
  static final int MESSAGE_LIMIT = 1024;

  private ReconcileFailures() {}

  static ErrorStatusUpdateControl<Rollout> report(
      Rollout rollout, Context<Rollout> context, Exception e, NoticeSender notices) {
    if (interrupted(e)) {
      // The operator is stopping; the next one decides again from the status.
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    String reason = reason(e);
    String message = limit(describe(e)) + "; retrying";
    // The latest status this operator wrote (the cache holds it), not the one this reconcile
    // started from: a decision persisted earlier in the same reconcile (RollingBack) must stay.
    Rollout latest =
        context.getPrimaryCache().get(ResourceID.fromResource(rollout)).orElse(rollout);
    RolloutStatus reported = new RolloutStatus();
    reported.conditions =
        latest.getStatus() == null || latest.getStatus().conditions == null
            ? new ArrayList<>()
            : new ArrayList<>(latest.getStatus().conditions);
    Condition ready = Conditions.find(reported, ConditionType.Ready);
    // The same failure again (a later attempt) is not news.
    boolean news =
        ready == null || !reason.equals(ready.getReason()) || !message.equals(ready.getMessage());
    String id = rollout.getMetadata().getNamespace() + "/" + rollout.getMetadata().getName();
    if (news) {
      LOG.warn("Rollout {}: {}", id, message, e);
      notices.warn(rollout, reason, message);
      if ("RollbackFailed".equals(reason)) {
        // Told once, like its event: a later attempt failing the same way is not news.
        notices.rollbackFailed(latest, message, Instant.now());
      }
    } else {
      // The stack trace was logged the first time.
      LOG.warn("Rollout {}: {}", id, message);
    }
    Long generation = rollout.getMetadata().getGeneration();
    new Conditions(reported, Instant.now(), generation == null ? 0 : generation)
        .set(ConditionType.Ready, ConditionStatus.False, reason, message);
    List<Condition> conditions = reported.conditions;
    patchConditions(context, latest, conditions);
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /**
   * Only the conditions, guarded by the resourceVersion: on a conflict the newer status wins and
   * the next failed attempt reports again.
   */
  private static void patchConditions(
      Context<Rollout> context, Rollout latest, List<Condition> conditions) {
    Map<String, Object> patch =
        Map.of(
            "metadata", Map.of("resourceVersion", latest.getMetadata().getResourceVersion()),
            "status", Map.of("conditions", conditions));
    try {
      PatchTargets.rollout(context.getClient(), latest)
          .subresource("status")
          .patch(
              new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).build(),
              context.getClient().getKubernetesSerialization().asJson(patch));
    } catch (KubernetesClientException failure) {
      LOG.warn(
          "Rollout {}/{}: could not report the failure in its status: {}",
          latest.getMetadata().getNamespace(),
          latest.getMetadata().getName(),
          failure.getMessage());
    }
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
    return root == e
        ? text
        : text + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
  }

  private static boolean interrupted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InterruptedException) {
        return true;
      }
    }
    return Thread.currentThread().isInterrupted();
  }

  private static String limit(String text) {
    return text.length() <= MESSAGE_LIMIT ? text : text.substring(0, MESSAGE_LIMIT) + "…";
  }
}
