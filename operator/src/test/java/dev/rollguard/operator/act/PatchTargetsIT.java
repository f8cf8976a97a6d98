package dev.rollguard.operator.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.decide.Change;
import dev.rollguard.operator.decide.Requests;
import dev.rollguard.operator.decide.WorkloadState;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each change to the cluster is one request: the patch, without reading the object first. The
 * restore of a rollback is the request that carries out the decision, so a read before it was time
 * lost between the decision and the rollback.
 */
@LocalPlatform(apiServer = true)
class PatchTargetsIT {

  private static final String NAMESPACE = "patch-targets";

  private final List<String> requests = new CopyOnWriteArrayList<>();
  private KubernetesClient counted;
  private Platform platform;

  @BeforeAll
  static void namespace(Platform platform) {
    CrdFiles.install(platform);
    platform.kubectl("create", "namespace", NAMESPACE).orThrow();
  }

  @BeforeEach
  void countingClient(Platform platform) {
    this.platform = platform;
    Interceptor recorder =
        new Interceptor() {
          @Override
          public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            requests.add(request.method() + " " + request.uri().getPath());
          }
        };
    counted =
        new KubernetesClientBuilder()
            .withConfig(platform.client().getConfiguration())
            .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor("record", recorder))
            .build();
  }

  @AfterEach
  void close() {
    counted.close();
  }

  @Test
  void restoreIsOnePatchAndNoRead() {
    Deployment deployment = deployment("restore", "shop/checkout:2.0.0");
    PodTemplateSpec stable = labelled(template("shop/checkout:1.0.0"), "restore");

    new TemplateRestorer(counted)
        .restore(deployment, deployment.getSpec().getTemplate(), stable, "rolled back", false);

    assertThat(requests)
        .containsExactly("PATCH /apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/restore");
    Deployment restored = read("restore");
    assertThat(restored.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("shop/checkout:1.0.0");
    assertThat(restored.getMetadata().getAnnotations())
        .containsEntry(TemplateRestorer.CHANGE_CAUSE, "rolled back");
  }

  @Test
  void restoreStillRefusesWhenSomeoneDeployedMeanwhile() {
    Deployment seen = deployment("moved-on", "shop/checkout:2.0.0");
    platform
        .client()
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .withName("moved-on")
        .edit(
            d -> {
              d.getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .setImage("shop/checkout:3.0.0");
              return d;
            });

    var restorer = new TemplateRestorer(counted);
    assertThatThrownBy(
            () ->
                restorer.restore(
                    seen,
                    seen.getSpec().getTemplate(),
                    labelled(template("shop/checkout:1.0.0"), "moved-on"),
                    "rolled back",
                    false))
        .hasMessageContaining("422");
    assertThat(read("moved-on").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("shop/checkout:3.0.0");
  }

  @Test
  void holdIsOnePatchAndNoRead() {
    Deployment deployment = deployment("hold", "shop/checkout:2.0.0");

    DeploymentHold.apply(counted, deployment, "5f7c9d0a1e");

    assertThat(requests)
        .containsExactly("PATCH /apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/hold");
    Deployment held = read("hold");
    assertThat(held.getSpec().getPaused()).isTrue();
    assertThat(held.getMetadata().getAnnotations())
        .containsEntry(WorkloadState.HELD_REVISION, "5f7c9d0a1e");
  }

  @Test
  void clearingRequestsIsOnePatchAndNoRead() {
    Rollout rollout =
        AppliedRollouts.inNewNamespace(
            platform,
            "patch-targets-requests",
            "requests",
            Requests.PROMOTE + ": \"true\", keep: \"yes\"");

    new ChangeApplier(counted, new RevisionStore(counted), new TemplateRestorer(counted), c -> {})
        .apply(rollout, Optional.empty(), List.of(new Change.ClearRequests()));

    assertThat(requests)
        .containsExactly(
            "PATCH /apis/rollguard.dev/v1alpha1/namespaces/patch-targets-requests/rollouts/requests");
    assertThat(
            platform
                .client()
                .resources(Rollout.class)
                .inNamespace("patch-targets-requests")
                .withName("requests")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsEntry("keep", "yes")
        .doesNotContainKey(Requests.PROMOTE);
  }

  private Deployment deployment(String name, String image) {
    Deployment created =
        platform
            .client()
            .apps()
            .deployments()
            .inNamespace(NAMESPACE)
            .resource(
                new DeploymentBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(NAMESPACE)
                    .withAnnotations(Map.of("team", "shop"))
                    .endMetadata()
                    .withNewSpec()
                    .withNewSelector()
                    .addToMatchLabels("app", name)
                    .endSelector()
                    .withTemplate(labelled(template(image), name))
                    .endSpec()
                    .build())
            .create();
    requests.clear();
    return created;
  }

  private static PodTemplateSpec labelled(PodTemplateSpec template, String app) {
    template.getMetadata().setLabels(Map.of("app", app));
    return template;
  }

  private static PodTemplateSpec template(String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  private Deployment read(String name) {
    return platform.client().apps().deployments().inNamespace(NAMESPACE).withName(name).get();
  }
}
