package dev.rollguard.operator.act;

import dev.rollguard.operator.api.PodTemplates;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.decide.Change;
import dev.rollguard.operator.decide.Requests;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Makes a decision's changes to objects in the cluster, in order, before the status that records
 * them is written. A failed restore becomes a {@link RollbackFailedException}, so the Rollout
 * reports {@code RollbackFailed} rather than a generic error.
 */
public final class ChangeApplier {

  private final KubernetesClient client;
  private final RevisionStore revisions;
  private final TemplateRestorer restorer;
  private final Consumer<Change> beforeChange;

  /**
   * {@code beforeChange} sees every change before it is made; restart tests make it throw to stop
   * the operator between deciding and acting.
   */
  public ChangeApplier(
      KubernetesClient client,
      RevisionStore revisions,
      TemplateRestorer restorer,
      Consumer<Change> beforeChange) {
    this.client = client;
    this.revisions = revisions;
    this.restorer = restorer;
    this.beforeChange = beforeChange;
  }

  public void apply(Rollout rollout, Optional<Deployment> deployment, List<Change> changes) {
    for (Change change : changes) {
      beforeChange.accept(change);
      if (change instanceof Change.SaveStableRevision save) {
        saveStable(rollout, deployment.orElseThrow(), save);
      } else if (change instanceof Change.RestoreTemplate restore) {
        restore(rollout, deployment.orElseThrow(), restore);
      } else if (change instanceof Change.ClearRequests) {
        clearRequests(rollout);
      } else if (change instanceof Change.HoldDeployment hold) {
        DeploymentHold.apply(client, deployment.orElseThrow(), hold.failedHash());
      } else if (change instanceof Change.ReleaseHold) {
        DeploymentHold.release(client, deployment.orElseThrow());
      } else if (change instanceof Change.PauseCanary pause) {
        CanaryPause.pause(client, deployment.orElseThrow(), pause.revision(), pause.step());
      } else if (change instanceof Change.ResumeCanary) {
        CanaryPause.resume(client, deployment.orElseThrow());
      }
    }
  }

  private void saveStable(Rollout rollout, Deployment deployment, Change.SaveStableRevision save) {
    PodTemplateSpec template =
        save.fromReplicaSet().isPresent()
            ? replicaSetTemplate(deployment, save.fromReplicaSet().get())
            : deployment.getSpec().getTemplate();
    String hash = PodTemplates.hash(template);
    if (!hash.equals(save.hash())) {
      throw new IllegalStateException(
          (save.fromReplicaSet().isPresent()
                  ? "ReplicaSet " + save.fromReplicaSet().get()
                  : "Deployment")
              + " changed to "
              + hash
              + " while saving "
              + save.hash()
              + "; deciding again");
    }
    revisions.save(rollout, save.controllerRevision(), save.hash(), template);
  }

  private PodTemplateSpec replicaSetTemplate(Deployment deployment, String name) {
    ReplicaSet replicaSet =
        client
            .apps()
            .replicaSets()
            .inNamespace(deployment.getMetadata().getNamespace())
            .withName(name)
            .get();
    if (replicaSet == null) {
      throw new IllegalStateException(
          "ReplicaSet " + name + " of the previous revision is gone; deciding again");
    }
    PodTemplateSpec template = replicaSet.getSpec().getTemplate();
    // The ReplicaSet's own label is not part of the Deployment's template.
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      template.getMetadata().getLabels().remove("pod-template-hash");
    }
    return template;
  }

  private void restore(Rollout rollout, Deployment deployment, Change.RestoreTemplate restore) {
    try {
      var stable =
          revisions.load(rollout.getMetadata().getNamespace(), restore.controllerRevision());
      restorer.restore(
          deployment,
          deployment.getSpec().getTemplate(),
          stable,
          restore.cause(),
          restore.resume());
    } catch (RuntimeException e) {
      throw new RollbackFailedException(
          "rollback of Deployment "
              + deployment.getMetadata().getName()
              + " to "
              + restore.hash()
              + " failed: "
              + e.getMessage(),
          e);
    }
  }

  private void clearRequests(Rollout rollout) {
    Map<String, Object> annotations = new HashMap<>();
    annotations.put(Requests.PROMOTE, null);
    annotations.put(Requests.ROLLBACK, null);
    annotations.put(Requests.RETRY, null);
    // The null values stay in the merge patch and remove those annotations.
    String patch = PatchTargets.mergePatch(Map.of("metadata", Map.of("annotations", annotations)));
    PatchTargets.rollout(client, rollout)
        .patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).build(), patch);
  }
}
