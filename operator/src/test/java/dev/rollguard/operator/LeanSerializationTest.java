package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
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

  private static final String KUBECONFIG =
      """
      apiVersion: v1
      kind: Config
      current-context: staging
      clusters:
      - name: prod
        cluster: {server: "https://prod.example:6443", certificate-authority-data: UFJPRA==}
      - name: staging
        cluster: {server: "https://staging.example:6443", insecure-skip-tls-verify: true}
      users:
      - name: admin
        user: {client-certificate-data: Q0VSVA==, client-key-data: S0VZ}
      - name: deployer
        user: {token: s3cr3t}
      contexts:
      - name: prod
        context: {cluster: prod, user: admin, namespace: shop}
      - name: staging
        context: {cluster: staging, user: deployer, namespace: rollouts}
      """;

  @Test
  void readsAKubeconfigAsTheClientDoes() {
    Config lean = LeanSerialization.kubeconfig(serialization, KUBECONFIG);
    Config client = Config.fromKubeconfig(KUBECONFIG);

    assertThat(lean.getMasterUrl()).isEqualTo("https://staging.example:6443/");
    assertThat(lean.getNamespace()).isEqualTo("rollouts");
    assertThat(lean.getAutoOAuthToken()).isEqualTo("s3cr3t");
    assertThat(lean.isTrustCerts()).isTrue();
    assertThat(lean.getCurrentContext().getName()).isEqualTo("staging");
    assertThat(lean)
        .usingRecursiveComparison()
        .comparingOnlyFields(
            "masterUrl",
            "namespace",
            "autoOAuthToken",
            "oauthToken",
            "trustCerts",
            "disableHostnameVerification",
            "caCertData",
            "clientCertData",
            "clientKeyData",
            "username",
            "currentContext",
            "contexts")
        .isEqualTo(client);
  }
}
