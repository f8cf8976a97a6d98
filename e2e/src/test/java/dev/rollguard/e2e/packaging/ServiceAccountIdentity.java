package dev.rollguard.e2e.packaging;

import dev.rollguard.testing.CommandResult;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The credentials a pod of the chart's ServiceAccount gets: a token the API server issues for that
 * account (TokenRequest, as kubelet does), in a kubeconfig that holds nothing else.
 */
public final class ServiceAccountIdentity {

  final String namespace;
  final String name;
  public final Path kubeconfig;
  private final Platform platform;

  private ServiceAccountIdentity(
      Platform platform, String namespace, String name, Path kubeconfig) {
    this.platform = platform;
    this.namespace = namespace;
    this.name = name;
    this.kubeconfig = kubeconfig;
  }

  static ServiceAccountIdentity issue(Platform platform, String namespace, String name) {
    String token =
        platform
            .kubectl("create", "token", name, "-n", namespace, "--duration=2h")
            .orThrow()
            .stdout()
            .strip();
    Config admin = Config.fromKubeconfig(read(platform.kubeconfig()));
    String kubeconfig =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster: {server: "%s", certificate-authority-data: "%s"}
        users:
        - name: %s
          user: {token: "%s"}
        contexts:
        - name: %s
          context: {cluster: local, user: %s, namespace: %s}
        current-context: %s
        """
            .formatted(
                platform.env("KUBE_API_SERVER").orElse(admin.getMasterUrl()),
                admin.getCaCertData(),
                name,
                token,
                name,
                name,
                namespace,
                name);
    try {
      Path file =
          Files.writeString(
              platform.runDir().resolve("sa-" + namespace + "-" + name + ".kubeconfig"),
              kubeconfig);
      return new ServiceAccountIdentity(platform, namespace, name, file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** "system:serviceaccount:NS:NAME", as RBAC and kubectl --as know it. */
  String user() {
    return "system:serviceaccount:" + namespace + ":" + name;
  }

  /** A client that authenticates with the token only (no admin certificate, no discovery). */
  KubernetesClient client() {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(read(kubeconfig)))
        .build();
  }

  /**
   * {@code kubectl auth can-i VERB RESOURCE -n NAMESPACE --as=<this account>}: the API server's
   * answer.
   */
  boolean canI(String verb, String resource, String inNamespace) {
    CommandResult result =
        platform.kubectl("auth", "can-i", verb, resource, "-n", inNamespace, "--as=" + user());
    if (!result.stdout().strip().equals("yes") && !result.stdout().strip().equals("no")) {
      throw new IllegalStateException(
          "unexpected answer from " + result.command() + ": " + result.stdout() + result.stderr());
    }
    return result.succeeded();
  }

  /** The same across all namespaces ({@code --all-namespaces}). */
  boolean canIEverywhere(String verb, String resource) {
    CommandResult result =
        platform.kubectl("auth", "can-i", verb, resource, "--all-namespaces", "--as=" + user());
    return result.succeeded() && result.stdout().strip().equals("yes");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
