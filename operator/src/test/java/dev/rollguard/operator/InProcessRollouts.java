package dev.rollguard.operator;

import static org.awaitility.Awaitility.await;

import dev.rollguard.operator.api.CrdFiles;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.Stage;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One namespace on the platform with an operator running in the test's JVM, and what a user does
 * and sees there: apply Deployments and Rollouts, read stages, conditions and events.
 */
final class InProcessRollouts implements AutoCloseable {

  static final Duration SOON = Duration.ofSeconds(60);

  private final Platform platform;
  final String namespace;
  final RollguardOperator operator;
  private final OperatorOptions options;
  private final OperatorHooks hooks;

  private InProcessRollouts(
      Platform platform,
      String namespace,
      RollguardOperator operator,
      OperatorOptions options,
      OperatorHooks hooks) {
    this.platform = platform;
    this.namespace = namespace;
    this.operator = operator;
    this.options = options;
    this.hooks = hooks;
  }

  /**
   * Stops this operator and starts a new one with the same options: a new process knows only what
   * the cluster holds (nothing kept in memory, such as the stable templates it saved lately).
   */
  InProcessRollouts restarted() {
    operator.close();
    RollguardOperator next = new RollguardOperator(options, hooks);
    next.start();
    return new InProcessRollouts(platform, namespace, next, options, hooks);
  }

  /** Installs the committed CRD, then starts an operator watching {@code namespace}. */
  static InProcessRollouts start(Platform platform, String namespace, OperatorHooks hooks) {
    platform.kubectl("apply", "-f", CrdFiles.committed().toString()).orThrow();
    return startWithInstalledCrd(platform, namespace, hooks);
  }

  /** As {@link #start}, with the platform's Prometheus as the operator's default. */
  static InProcessRollouts startWithPrometheus(Platform platform, String namespace) {
    platform.kubectl("apply", "-f", CrdFiles.committed().toString()).orThrow();
    return startWithInstalledCrd(
        platform,
        namespace,
        OperatorHooks.NONE,
        "--prometheus-url",
        platform.prometheusUrl().toString());
  }

  /** Starts an operator watching {@code namespace}; the test has installed a CRD of its own. */
  static InProcessRollouts startWithInstalledCrd(
      Platform platform, String namespace, OperatorHooks hooks, String... moreOptions) {
    platform
        .kubectl(
            "wait", "--for=condition=Established", "crd/rollouts.rollguard.dev", "--timeout=30s")
        .orThrow();
    platform.kubectl("create", "namespace", namespace).orThrow();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--kubeconfig",
                platform.kubeconfig().toString(),
                "--namespaces",
                namespace,
                "--metrics-port",
                "0",
                "--health-port",
                "0"));
    args.addAll(List.of(moreOptions));
    OperatorOptions options = OperatorOptions.parse(args.toArray(String[]::new));
    RollguardOperator operator = new RollguardOperator(options, hooks);
    operator.start();
    return new InProcessRollouts(platform, namespace, operator, options, hooks);
  }

  @Override
  public void close() {
    operator.close();
  }

  /** A Deployment of one container; {@code podSpecExtra} is YAML added to the pod spec. */
  void deployment(String name, String image, int replicas, String podSpecExtra) {
    platform
        .kubectlWithInput(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: %s, namespace: %s}
            spec:
              replicas: %d
              strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
              selector: {matchLabels: {app: %s}}
              template:
                metadata: {labels: {app: %s}}
                spec:
                  containers: [{name: app, image: "%s"}]
                  %s
            """
                .formatted(name, namespace, replicas, name, name, image, podSpecExtra),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  /** A Rollout with one guard; {@code analysis} is the YAML of spec.analysis (or {}). */
  void rollout(String name, String deployment, String analysis) {
    platform
        .kubectlWithInput(
            """
            apiVersion: rollguard.dev/v1alpha1
            kind: Rollout
            metadata: {name: %s, namespace: %s}
            spec:
              workloadRef: {kind: Deployment, name: %s}
              analysis: %s
              guards: [{name: db, query: 'sum(pg_stat_activity_count)', max: 150}]
            """
                .formatted(name, namespace, deployment, analysis),
            "apply",
            "-f",
            "-")
        .orThrow();
  }

  Rollout get(String name) {
    return platform.client().resources(Rollout.class).inNamespace(namespace).withName(name).get();
  }

  Deployment deployment(String name) {
    return platform.client().apps().deployments().inNamespace(namespace).withName(name).get();
  }

  /** The image of the Deployment's first container, as its template says now. */
  String image(String deployment) {
    return deployment(deployment)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getImage();
  }

  Stage stage(String name) {
    Rollout rollout = get(name);
    return rollout == null || rollout.getStatus() == null ? null : rollout.getStatus().stage;
  }

  void awaitStage(String name, Stage stage) {
    await().atMost(SOON).until(() -> stage(name) == stage);
  }

  Optional<Condition> condition(String name, String type) {
    Rollout rollout = get(name);
    return rollout == null || rollout.getStatus() == null
        ? Optional.empty()
        : rollout.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Events about Rollout {@code rollout} with this reason. */
  List<Event> events(String rollout, String reason) {
    return platform.client().v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> "Rollout".equals(e.getInvolvedObject().getKind()))
        .filter(e -> rollout.equals(e.getInvolvedObject().getName()))
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
