package dev.rollguard.e2e.packaging;

import dev.rollguard.testing.CommandResult;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code helm install} of charts/rollguard into the platform's cluster. */
public final class HelmInstall {

  final String release;
  final String namespace;
  final CommandResult result;
  private final Platform platform;

  private HelmInstall(Platform platform, String release, String namespace, CommandResult result) {
    this.platform = platform;
    this.release = release;
    this.namespace = namespace;
    this.result = result;
  }

  /**
   * Creates the release namespace with the "restricted" Pod Security level enforced, then installs
   * the chart and waits until its Deployment is available: the API server admitted the operator
   * pods (kwok runs no containers, so nothing more is proven about them).
   */
  public static HelmInstall install(
      Platform platform, String release, String namespace, String... setValues) {
    platform.kubectl("create", "namespace", namespace).orThrow();
    platform
        .kubectl("label", "namespace", namespace, "pod-security.kubernetes.io/enforce=restricted")
        .orThrow();
    List<String> args =
        new ArrayList<>(
            List.of(
                "install",
                release,
                Tools.chart().toString(),
                "--namespace",
                namespace,
                "--kubeconfig",
                platform.kubeconfig().toString(),
                "--wait",
                "--timeout",
                "2m"));
    for (String value : setValues) {
      args.add("--set");
      args.add(value);
    }
    CommandResult result = Tools.helm(args.toArray(String[]::new)).orThrow();
    platform
        .kubectl(
            "wait", "--for=condition=Established", "crd/rollouts.rollguard.dev", "--timeout=30s")
        .orThrow();
    return new HelmInstall(platform, release, namespace, result);
  }

  CommandResult helm(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--namespace", namespace, "--kubeconfig", platform.kubeconfig().toString()));
    return Tools.helm(all.toArray(String[]::new));
  }

  Deployment deployment() {
    return platform
        .client()
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(release)
        .require();
  }

  /**
   * The environment the chart gives the operator container (ROLLGUARD_*), so that a local operator
   * process runs configured exactly as the pod would be. Ports are left out: the process takes free
   * ones.
   */
  public Map<String, String> operatorEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var :
        deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
      if (var.getName().startsWith("ROLLGUARD_")
          && var.getValue() != null
          && !var.getName().endsWith("_PORT")) {
        env.put(var.getName(), var.getValue());
      }
    }
    return env;
  }

  public ServiceAccountIdentity serviceAccount() {
    String name = deployment().getSpec().getTemplate().getSpec().getServiceAccountName();
    return ServiceAccountIdentity.issue(platform, namespace, name);
  }
}
