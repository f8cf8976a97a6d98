package dev.rollguard.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class PodTemplatesTest {

  private static PodTemplateSpec template(String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  @Test
  void equivalentTemplatesHaveTheSameHash() {
    PodTemplateSpec plain = template("shop/web:1");
    PodTemplateSpec reordered =
        Serialization.unmarshal(
            """
        {"spec": {"containers": [{"image": "shop/web:1", "name": "app", "env": []}], "volumes": []},
         "metadata": {"annotations": {}, "labels": {"app": "web"}}}""",
            PodTemplateSpec.class);
    PodTemplateSpec fromReplicaSet = template("shop/web:1");
    fromReplicaSet.getMetadata().getLabels().put("pod-template-hash", "7d47dcc967");

    assertThat(PodTemplates.hash(reordered)).isEqualTo(PodTemplates.hash(plain));
    assertThat(PodTemplates.hash(fromReplicaSet)).isEqualTo(PodTemplates.hash(plain));
    assertThat(PodTemplates.hash(plain)).hasSize(10).matches("[0-9a-f]+");
  }

  @Test
  void anyRealChangeIsANewRevision() {
    PodTemplateSpec base = template("shop/web:1");
    PodTemplateSpec image = template("shop/web:2");
    PodTemplateSpec env = template("shop/web:1");
    env.getSpec()
        .getContainers()
        .get(0)
        .setEnv(
            java.util.List.of(new io.fabric8.kubernetes.api.model.EnvVar("POOL_SIZE", "50", null)));
    PodTemplateSpec restarted = template("shop/web:1");
    restarted
        .getMetadata()
        .setAnnotations(
            java.util.Map.of("kubectl.kubernetes.io/restartedAt", "2026-11-25T10:00:00Z"));

    assertThat(PodTemplates.hash(image)).isNotEqualTo(PodTemplates.hash(base));
    assertThat(PodTemplates.hash(env)).isNotEqualTo(PodTemplates.hash(base));
    assertThat(PodTemplates.hash(restarted)).isNotEqualTo(PodTemplates.hash(base));
  }

  @Test
  void imagesAreListedInitContainersFirst() {
    PodTemplateSpec t = template("shop/web:1");
    t.getSpec()
        .setInitContainers(
            java.util.List.of(
                new io.fabric8.kubernetes.api.model.ContainerBuilder()
                    .withName("migrate")
                    .withImage("shop/migrate:1")
                    .build()));
    assertThat(PodTemplates.images(t)).containsExactly("shop/migrate:1", "shop/web:1");
  }
}
