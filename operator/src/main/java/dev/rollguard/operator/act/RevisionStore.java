package dev.rollguard.operator.act;

import dev.rollguard.operator.api.Rollout;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stable templates live in ControllerRevisions owned by the Rollout, so they survive operator
 * restarts, never depend on the Deployment's own ReplicaSet history, and go away with the Rollout.
 */
public final class RevisionStore {

  public static final String ROLLOUT_LABEL = "rollguard.dev/rollout";
  public static final String HASH_LABEL = "rollguard.dev/revision-hash";

  /**
   * Templates saved or loaded lately, as JSON, up to this many characters in all (a template is
   * about 1 KiB): a rollback then restores without first reading the ControllerRevision, one
   * request less between the decision and the restore. A name always holds the same template (the
   * name carries the hash), so a cached one is never stale.
   */
  static final int CACHE_CHARS = 4 * 1024 * 1024;

  private final KubernetesClient client;
  private final KubernetesSerialization json;
  private final Map<String, String> recent = new LinkedHashMap<>(16, 0.75f, true);
  private long recentChars;

  public RevisionStore(KubernetesClient client) {
    this.client = client;
    // The client's mapping: its pod-template (de)serializers are warm from the informers.
    this.json = client.getKubernetesSerialization();
  }

  /** Saves the template under {@code name}; saving the same revision again is a no-op. */
  public void save(Rollout rollout, String name, String hash, PodTemplateSpec template) {
    String namespace = rollout.getMetadata().getNamespace();
    ControllerRevision revision =
        new ControllerRevisionBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .addToLabels(ROLLOUT_LABEL, rollout.getMetadata().getName())
            .addToLabels(HASH_LABEL, hash)
            .addToOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(rollout.getApiVersion())
                    .withKind(rollout.getKind())
                    .withName(rollout.getMetadata().getName())
                    .withUid(rollout.getMetadata().getUid())
                    .build())
            .endMetadata()
            .withRevision(System.currentTimeMillis() / 1000)
            .withData(Map.of("template", json.convertValue(template, Map.class)))
            .build();
    try {
      client.apps().controllerRevisions().inNamespace(namespace).resource(revision).create();
      remember(namespace, name, template);
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
      // Already saved (a retry after a restart): the name holds the hash, so it is the same
      // template.
      remember(namespace, name, template);
    }
  }

  /** The template saved under {@code name}; fails loudly when it is gone, never guesses. */
  public PodTemplateSpec load(String namespace, String name) {
    String cached;
    synchronized (recent) {
      cached = recent.get(namespace + "/" + name);
    }
    if (cached != null) {
      return json.unmarshal(cached, PodTemplateSpec.class);
    }
    ControllerRevision revision =
        client.apps().controllerRevisions().inNamespace(namespace).withName(name).get();
    if (revision == null || revision.getData() == null) {
      throw new IllegalStateException(
          "ControllerRevision "
              + namespace
              + "/"
              + name
              + " holding the stable template is missing; cannot roll back");
    }
    Object template = json.convertValue(revision.getData(), Map.class).get("template");
    PodTemplateSpec loaded = json.convertValue(template, PodTemplateSpec.class);
    remember(namespace, name, loaded);
    return loaded;
  }

  private void remember(String namespace, String name, PodTemplateSpec template) {
    String text = json.asJson(template);
    synchronized (recent) {
      String previous = recent.put(namespace + "/" + name, text);
      recentChars += text.length() - (previous == null ? 0 : previous.length());
      var eldest = recent.entrySet().iterator();
      while (recentChars > CACHE_CHARS && eldest.hasNext()) {
        recentChars -= eldest.next().getValue().length();
        eldest.remove();
      }
    }
  }
}
