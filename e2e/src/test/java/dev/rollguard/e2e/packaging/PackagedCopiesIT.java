package dev.rollguard.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The copies that ship are the ones the sources produce: the chart's CRD is the generated one byte
 * for byte, and deploy/ is exactly what helm renders from the chart. When one of these fails, run
 * scripts/update-manifests and commit the result.
 */
class PackagedCopiesIT {

  private static final String HINT = "run scripts/update-manifests and commit the result";

  @Test
  void theChartCarriesTheGeneratedCrdByteForByte() throws IOException {
    Path generated = Tools.repo().resolve("crds/rollouts.rollguard.dev-v1.yml");
    Path inChart = Tools.chart().resolve("crds/rollouts.rollguard.dev-v1.yml");
    assertThat(Files.readAllBytes(inChart))
        .as("%s differs from %s: %s", inChart, generated, HINT)
        .isEqualTo(Files.readAllBytes(generated));
    try (var files = Files.list(Tools.chart().resolve("crds"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("nothing else in the chart's crds/")
          .containsExactly("rollouts.rollguard.dev-v1.yml");
    }
  }

  @Test
  void thePlainManifestsAreWhatHelmRendersFromTheChart() throws IOException {
    String committed = Files.readString(Tools.repo().resolve("deploy/rollguard.yaml"));
    String rendered =
        Tools.helm(
                "template",
                "rollguard",
                Tools.chart().toString(),
                "--namespace",
                "rollguard-system",
                "--include-crds",
                "--kube-version",
                Tools.kubernetesVersion())
            .orThrow()
            .stdout();

    // A comment header, then helm's output unchanged.
    int start = committed.indexOf("---\n");
    assertThat(committed.substring(0, start).lines())
        .allSatisfy(line -> assertThat(line).startsWith("#"));
    assertThat(committed.substring(start).strip())
        .as("deploy/rollguard.yaml is out of date: " + HINT)
        .isEqualTo(rendered.strip());

    List<HasMetadata> objects = Rendered.parse(committed);
    assertThat(objects)
        .filteredOn(CustomResourceDefinition.class::isInstance)
        .singleElement()
        .satisfies(
            crd -> assertThat(crd.getMetadata().getName()).isEqualTo("rollouts.rollguard.dev"));
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .contains("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Service", "Deployment");
    assertThat(objects)
        .filteredOn(o -> o.getMetadata().getNamespace() != null)
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("rollguard-system"));
  }

  @Test
  void theNamespaceManifestCreatesTheNamespaceTheOthersUse() throws IOException {
    List<HasMetadata> objects =
        Rendered.parse(Files.readString(Tools.repo().resolve("deploy/namespace.yaml")));
    assertThat(objects)
        .singleElement()
        .isInstanceOf(Namespace.class)
        .satisfies(ns -> assertThat(ns.getMetadata().getName()).isEqualTo("rollguard-system"));
    // kubectl apply -f deploy/ reads files in name order: the namespace must come first.
    try (var files = Files.list(Tools.repo().resolve("deploy"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("namespace.yaml", "rollguard.yaml");
    }
  }
}
