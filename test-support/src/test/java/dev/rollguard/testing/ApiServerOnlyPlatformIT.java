package dev.rollguard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import org.junit.jupiter.api.Test;

/** The API-server-only mode runs the provisioned kube-apiserver offline through kube-api-test. */
@LocalPlatform(apiServer = true)
class ApiServerOnlyPlatformIT {

  @Test
  void servesTheProvisionedVersionToTheClientAndToKubectl(Platform platform) {
    String expected = "v" + RepoLayout.locate().kubernetesVersion();
    assertThat(platform.client().getKubernetesVersion().getGitVersion()).isEqualTo(expected);

    platform
        .client()
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("api-only").endMetadata().build())
        .create();
    platform
        .client()
        .configMaps()
        .inNamespace("api-only")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("hello")
                .endMetadata()
                .addToData("greeting", "hi")
                .build())
        .create();

    assertThat(
            platform
                .kubectl(
                    "get",
                    "configmap",
                    "hello",
                    "-n",
                    "api-only",
                    "-o",
                    "jsonpath={.data.greeting}")
                .orThrow()
                .stdout())
        .isEqualTo("hi");
  }

  @Test
  void componentsThatWereNotAskedForAreNotOffered(Platform platform) {
    assertThatThrownBy(platform::prometheusUrl)
        .hasMessageContaining("PROMETHEUS_URL")
        .hasMessageContaining("did not ask @LocalPlatform for Prometheus");
    assertThatThrownBy(platform::jdbcUrl).hasMessageContaining("PostgreSQL");
  }
}
