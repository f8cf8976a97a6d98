package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class LeanSerializationTest {

  private static final String DEPLOYMENT =
      """
      {"apiVersion": "apps/v1", "kind": "Deployment",
       "metadata": {"name": "checkout", "namespace": "shop", "resourceVersion": "42",
         "labels": {"app": "checkout"},
         "managedFields": [{"manager": "kubectl", "operation": "Update", "apiVersion": "apps/v1",
           "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:replicas": {}}}}]},
       "spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "app", "image": "shop/checkout:1"}]}}}}
      """;

  private final KubernetesSerialization serialization = LeanSerialization.create();

  @Test
  void readsEverythingButManagedFields() {
    Deployment deployment = serialization.unmarshal(DEPLOYMENT, Deployment.class);

    assertThat(deployment.getMetadata().getManagedFields()).isEmpty();
    assertThat(deployment.getMetadata().getAdditionalProperties())
        .doesNotContainKey("managedFields");
    assertThat(deployment.getMetadata().getName()).isEqualTo("checkout");
    assertThat(deployment.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(deployment.getMetadata().getLabels()).containsEntry("app", "checkout");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("shop/checkout:1");
  }

  @Test
  void neverWritesManagedFieldsSoTheServerKeepsItsOwn() {
    Deployment deployment = new KubernetesSerialization().unmarshal(DEPLOYMENT, Deployment.class);
    assertThat(deployment.getMetadata().getManagedFields()).hasSize(1);

    assertThat(serialization.asJson(deployment))
        .doesNotContain("managedFields")
        .contains("\"checkout\"");
  }
}
