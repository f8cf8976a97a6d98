package dev.rollguard.e2e.packaging;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rollguard.testing.CommandResult;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/** The objects of a {@code helm template} run, typed where Fabric8 knows the kind. */
final class Rendered {

  static final String RELEASE = "rollguard";
  static final String NAMESPACE = "rollguard-system";
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  final String yaml;
  final List<HasMetadata> objects;

  private Rendered(String yaml, List<HasMetadata> objects) {
    this.yaml = yaml;
    this.objects = objects;
  }

  /** {@code helm template rollguard charts/rollguard -n rollguard-system [--set ...]}. */
  static Rendered template(String... setValues) {
    return new Rendered(render(setValues).orThrow().stdout(), null).parsed();
  }

  /** The helm run itself, for tests that expect it to fail. */
  static CommandResult render(String... setValues) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "template",
                RELEASE,
                Tools.chart().toString(),
                "--namespace",
                NAMESPACE,
                "--kube-version",
                Tools.kubernetesVersion()));
    for (String value : setValues) {
      args.add("--set");
      args.add(value);
    }
    return Tools.helm(args.toArray(String[]::new));
  }

  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    try (MappingIterator<Map<String, Object>> docs =
        new YAMLMapper().readerForMapOf(Object.class).readValues(yaml)) {
      while (docs.hasNext()) {
        Map<String, Object> doc = docs.next();
        if (doc != null && !doc.isEmpty()) {
          objects.add(SERIALIZATION.convertValue(doc, HasMetadata.class));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(objects);
  }

  private Rendered parsed() {
    return new Rendered(yaml, parse(yaml));
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> T one(Class<T> type, String name) {
    List<T> found = all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).toList();
    if (found.size() != 1) {
      throw new AssertionError(
          "expected one "
              + type.getSimpleName()
              + " "
              + name
              + ", found "
              + found.size()
              + " in:\n"
              + yaml);
    }
    return found.get(0);
  }

  List<GenericKubernetesResource> ofKind(String kind) {
    return objects.stream()
        .filter(o -> kind.equals(o.getKind()))
        .map(
            o ->
                o instanceof GenericKubernetesResource g
                    ? g
                    : SERIALIZATION.convertValue(o, GenericKubernetesResource.class))
        .toList();
  }

  /** Every RBAC rule of every Role and ClusterRole rendered. */
  Stream<PolicyRule> allRules() {
    return Stream.concat(
        all(io.fabric8.kubernetes.api.model.rbac.ClusterRole.class).stream()
            .flatMap(r -> r.getRules().stream()),
        all(io.fabric8.kubernetes.api.model.rbac.Role.class).stream()
            .flatMap(r -> r.getRules().stream()));
  }

  /** A compact form of a rule for exact comparisons: "group/resource[names]: verbs". */
  static String describe(PolicyRule rule) {
    return String.join(",", rule.getApiGroups())
        + "/"
        + String.join(",", rule.getResources())
        + (rule.getResourceNames() == null || rule.getResourceNames().isEmpty()
            ? ""
            : rule.getResourceNames().toString())
        + ": "
        + String.join(",", rule.getVerbs());
  }

  static String env(io.fabric8.kubernetes.api.model.apps.Deployment deployment, String name) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> name.equals(e.getName()))
        .map(e -> Objects.requireNonNullElse(e.getValue(), "<from field>"))
        .findFirst()
        .orElse(null);
  }
}
