package dev.rollguard.operator.reconcile;

import dev.rollguard.operator.api.PendingRollback;
import dev.rollguard.operator.api.RollbackSpec;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.events.EventRecorder;
import dev.rollguard.operator.observability.OperatorMetrics;
import dev.rollguard.operator.revision.PodTemplates;
import dev.rollguard.operator.rollback.RevisionStore;
import dev.rollguard.operator.rollback.TemplateRestorer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Carries out a decision's actions. Changes to Kubernetes objects come first; events and
 * counters only once those succeeded, so nothing is announced that did not happen.
 */
public final class ActionExecutor {

  private final RevisionStore revisions;
  private final TemplateRestorer restorer;
  private final EventRecorder events;
  private final OperatorMetrics metrics;
  private final Consumer<Action> beforeChange;

  public ActionExecutor(RevisionStore revisions, TemplateRestorer restorer, EventRecorder events,
      OperatorMetrics metrics) {
    this(revisions, restorer, events, metrics, action -> { });
  }

  /**
   * {@code beforeChange} sees every change to a Kubernetes object before it is made; restart
   * tests make it throw to stop the operator between deciding and acting.
   */
  public ActionExecutor(RevisionStore revisions, TemplateRestorer restorer, EventRecorder events,
      OperatorMetrics metrics, Consumer<Action> beforeChange) {
    this.revisions = revisions;
    this.restorer = restorer;
    this.events = events;
    this.metrics = metrics;
    this.beforeChange = beforeChange;
  }

  void execute(Rollout rollout, Optional<Deployment> deployment, List<Action> actions, Context<Rollout> context) {
    for (Action action : actions) {
      if (!(action instanceof Action.Emit) && !(action instanceof Action.CountRollback)
          && !(action instanceof Action.CountPromotion)) {
        beforeChange.accept(action);
      }
      if (action instanceof Action.SaveStableRevision save) {
        saveStable(rollout, deployment.orElseThrow(), save);
      } else if (action instanceof Action.RestoreTemplate restore) {
        restore(rollout, deployment.orElseThrow(), restore);
      } else if (action instanceof Action.ClearRequests) {
        clearRequests(rollout, context);
      } else if (action instanceof Action.HoldDeployment hold) {
        DeploymentHold.apply(context.getClient(), deployment.orElseThrow(), hold.failedHash());
      } else if (action instanceof Action.ReleaseHold) {
        DeploymentHold.release(context.getClient(), deployment.orElseThrow());
      }
    }
    String namespace = rollout.getMetadata().getNamespace();
    String name = rollout.getMetadata().getName();
    for (Action action : actions) {
      if (action instanceof Action.Emit emit) {
        events.record(rollout, emit.warning(), emit.reason(), emit.message());
        if (emit.alsoOnWorkload()) {
          deployment.ifPresent(d -> events.record(d, emit.warning(), emit.reason(),
              "Rollout " + name + ": " + emit.message()));
        }
      } else if (action instanceof Action.CountRollback count) {
        metrics.rollbackPerformed(namespace, name, count.guard(), RollbackSpec.Mode.valueOf(count.mode()),
            count.detection());
      } else if (action instanceof Action.CountPromotion) {
        metrics.promoted(namespace, name);
      }
    }
  }

  private void saveStable(Rollout rollout, Deployment deployment, Action.SaveStableRevision save) {
    var template = deployment.getSpec().getTemplate();
    String running = PodTemplates.hash(template);
    if (!running.equals(save.hash())) {
      throw new IllegalStateException("Deployment changed to " + running + " while saving " + save.hash()
          + "; deciding again");
    }
    revisions.save(rollout, save.controllerRevision(), save.hash(), template);
  }

  private void restore(Rollout rollout, Deployment deployment, Action.RestoreTemplate restore) {
    var stable = revisions.load(rollout.getMetadata().getNamespace(), restore.controllerRevision());
    PendingRollback pending = rollout.getStatus().pendingRollback;
    String cause = "rollguard: rolled back to " + restore.hash()
        + (pending != null && pending.message != null ? ": " + pending.message : "");
    restorer.restore(deployment, deployment.getSpec().getTemplate(), stable, cause);
  }

  private static void clearRequests(Rollout rollout, Context<Rollout> context) {
    Map<String, Object> annotations = new HashMap<>();
    annotations.put(Requests.PROMOTE, null);
    annotations.put(Requests.ROLLBACK, null);
    annotations.put(Requests.RETRY, null);
    // A JSON merge patch removes keys whose value is null; a plain mapper keeps those nulls.
    String patch;
    try {
      patch = new ObjectMapper().writeValueAsString(Map.of("metadata", Map.of("annotations", annotations)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    context.getClient().resources(Rollout.class).inNamespace(rollout.getMetadata().getNamespace())
        .withName(rollout.getMetadata().getName())
        .patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).build(), patch);
  }
}
