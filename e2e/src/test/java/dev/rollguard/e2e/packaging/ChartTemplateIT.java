package dev.rollguard.e2e.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.testing.CommandResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart as helm (the version the platform builds) lints and renders it: the RBAC is exactly
 * what the operator uses, namespaced installs grant nothing cluster-wide, more than one replica
 * turns leader election on, and the operator pod is locked down.
 */
class ChartTemplateIT {

  /** The rules the operator needs on namespaced resources, in ClusterRole and Roles alike. */
  private static final List<String> OPERATOR_RULES =
      List.of(
          "rollguard.dev/rollouts: get,list,watch,patch",
          "rollguard.dev/rollouts/status: update,patch",
          "apps/deployments: get,list,watch,patch",
          "apps/controllerrevisions: create,get",
          "apps/replicasets: get,list",
          "/events: create");

  private static final String[] EVERYTHING_ON = {
    "replicaCount=3",
    "watchNamespaces={shop,cart}",
    "prometheusTokenSecrets[0].namespace=shop",
    "prometheusTokenSecrets[0].name=prometheus-token",
    "serviceMonitor.enabled=true",
    "prometheusRule.enabled=true",
    "operator.logFormat=json",
    "operator.prometheusUrl=http://prometheus.monitoring.svc:9090",
    "notifications.targets[0].name=payments-slack",
    "notifications.targets[0].format=slack",
    "notifications.targets[0].url.secretKeyRef.name=payments-slack-webhook",
    "notifications.targets[0].url.secretKeyRef.key=url"
  };

  @Test
  void helmLintIsCleanWithTheDefaultsNamespacedModeAndEveryOptionOn() {
    for (String[] values :
        List.of(new String[0], new String[] {"watchNamespaces={shop}"}, EVERYTHING_ON)) {
      List<String> args =
          new java.util.ArrayList<>(List.of("lint", "--strict", Tools.chart().toString()));
      for (String value : values) {
        args.add("--set");
        args.add(value);
      }
      CommandResult lint = Tools.helm(args.toArray(String[]::new));
      assertThat(lint.exitCode()).as(lint.stdout() + lint.stderr()).isZero();
      assertThat(lint.stdout())
          .contains("1 chart(s) linted, 0 chart(s) failed")
          .doesNotContain("[WARNING]")
          .doesNotContain("[ERROR]");
    }
  }

  @Test
  void theDefaultInstallGrantsExactlyTheOperatorsRulesClusterWideAndNothingElse() {
    Rendered chart = Rendered.template();

    ClusterRole role = chart.one(ClusterRole.class, "rollguard");
    assertThat(role.getRules()).map(Rendered::describe).containsExactlyElementsOf(OPERATOR_RULES);
    ClusterRoleBinding binding = chart.one(ClusterRoleBinding.class, "rollguard");
    assertThat(binding.getRoleRef().getName()).isEqualTo("rollguard");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("rollguard");
              assertThat(s.getNamespace()).isEqualTo("rollguard-system");
            });
    assertThat(chart.one(ServiceAccount.class, "rollguard").getMetadata().getNamespace())
        .isEqualTo("rollguard-system");
    // One replica: no Lease rights; no Secret rights unless a token Secret is listed.
    assertThat(chart.all(Role.class)).isEmpty();
    assertThat(chart.all(RoleBinding.class)).isEmpty();
    assertThat(chart.allRules().flatMap(r -> r.getResources().stream()))
        .doesNotContain("secrets", "leases");
    assertThat(Rendered.env(chart.one(Deployment.class, "rollguard"), "ROLLGUARD_NAMESPACES"))
        .isNull();
  }

  @Test
  void noRuleAnywhereUsesAWildcardOrMayDeleteOrReplaceDeployments() {
    for (Rendered chart :
        List.of(
            Rendered.template(),
            Rendered.template(EVERYTHING_ON),
            Rendered.template("leaderElection.enabled=true"))) {
      List<PolicyRule> rules = chart.allRules().toList();
      assertThat(rules)
          .isNotEmpty()
          .allSatisfy(
              rule -> {
                assertThat(rule.getVerbs())
                    .doesNotContain("*", "deletecollection", "escalate", "bind", "impersonate");
                assertThat(rule.getResources()).doesNotContain("*");
                assertThat(rule.getApiGroups()).doesNotContain("*");
                assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
              });
      assertThat(rules)
          .filteredOn(r -> r.getResources().contains("deployments"))
          .allSatisfy(r -> assertThat(r.getVerbs()).doesNotContain("delete", "create", "update"));
      assertThat(rules).flatMap(PolicyRule::getVerbs).doesNotContain("delete");
      assertThat(rules)
          .filteredOn(r -> r.getResources().contains("secrets"))
          .allSatisfy(
              r -> {
                assertThat(r.getVerbs()).containsExactly("get");
                assertThat(r.getResourceNames()).isNotEmpty();
              });
    }
  }

  @Test
  void namespacedModeRendersRolesInTheListedNamespacesOnlyAndNoClusterRole() {
    Rendered chart = Rendered.template("watchNamespaces={shop,cart,shop}");

    assertThat(chart.all(ClusterRole.class)).isEmpty();
    assertThat(chart.all(ClusterRoleBinding.class)).isEmpty();
    assertThat(chart.all(Role.class))
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("shop", "cart");
    assertThat(chart.all(Role.class))
        .allSatisfy(
            role ->
                assertThat(role.getRules())
                    .map(Rendered::describe)
                    .containsExactlyElementsOf(OPERATOR_RULES));
    assertThat(chart.all(RoleBinding.class))
        .extracting(b -> b.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("shop", "cart");
    assertThat(chart.all(RoleBinding.class))
        .allSatisfy(
            b -> {
              assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
              assertThat(b.getSubjects())
                  .singleElement()
                  .satisfies(
                      s ->
                          assertThat(s.getNamespace() + "/" + s.getName())
                              .isEqualTo("rollguard-system/rollguard"));
            });
    assertThat(Rendered.env(chart.one(Deployment.class, "rollguard"), "ROLLGUARD_NAMESPACES"))
        .isEqualTo("shop,cart");
  }

  @Test
  void moreThanOneReplicaTurnsLeaderElectionOnWithRightsToItsOwnLeaseOnly() {
    Deployment single = Rendered.template().one(Deployment.class, "rollguard");
    assertThat(single.getSpec().getReplicas()).isEqualTo(1);
    assertThat(Rendered.env(single, "ROLLGUARD_LEADER_ELECTION")).isEqualTo("false");
    // Without a Lease, an update must stop the old pod before the new one starts.
    assertThat(single.getSpec().getStrategy().getType()).isEqualTo("Recreate");

    Rendered chart = Rendered.template("replicaCount=2");
    Deployment ha = chart.one(Deployment.class, "rollguard");
    assertThat(ha.getSpec().getReplicas()).isEqualTo(2);
    assertThat(Rendered.env(ha, "ROLLGUARD_LEADER_ELECTION")).isEqualTo("true");
    assertThat(Rendered.env(ha, "ROLLGUARD_LEADER_ELECTION_NAMESPACE"))
        .isEqualTo("rollguard-system");
    assertThat(Rendered.env(ha, "ROLLGUARD_LEADER_ELECTION_LEASE")).isEqualTo("rollguard-leader");
    assertThat(ha.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(ha.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();

    Role lease = chart.one(Role.class, "rollguard-leader-election");
    assertThat(lease.getMetadata().getNamespace()).isEqualTo("rollguard-system");
    assertThat(lease.getRules())
        .map(Rendered::describe)
        .containsExactly(
            "coordination.k8s.io/leases: create",
            "coordination.k8s.io/leases[rollguard-leader]: get,update,patch");
    assertThat(chart.one(RoleBinding.class, "rollguard-leader-election").getRoleRef().getName())
        .isEqualTo("rollguard-leader-election");

    Deployment forced =
        Rendered.template("leaderElection.enabled=true").one(Deployment.class, "rollguard");
    assertThat(forced.getSpec().getReplicas()).isEqualTo(1);
    assertThat(Rendered.env(forced, "ROLLGUARD_LEADER_ELECTION")).isEqualTo("true");
  }

  @Test
  void tokenSecretsAreReadableByNameOnlyThroughOneRolePerNamespace() {
    Rendered chart =
        Rendered.template(
            "prometheusTokenSecrets[0].namespace=shop",
                "prometheusTokenSecrets[0].name=prometheus-token",
            "prometheusTokenSecrets[1].namespace=cart",
                "prometheusTokenSecrets[1].name=thanos-token",
            "prometheusTokenSecrets[2].namespace=shop",
                "prometheusTokenSecrets[2].name=grafana-cloud");

    List<Role> roles = chart.all(Role.class);
    assertThat(roles)
        .extracting(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "shop/rollguard-prometheus-tokens", "cart/rollguard-prometheus-tokens");
    Role shop =
        roles.stream()
            .filter(r -> r.getMetadata().getNamespace().equals("shop"))
            .findFirst()
            .orElseThrow();
    assertThat(shop.getRules())
        .map(Rendered::describe)
        .containsExactly("/secrets[grafana-cloud, prometheus-token]: get");
    assertThat(chart.all(RoleBinding.class)).hasSize(2);

    CommandResult outside =
        Rendered.render(
            "watchNamespaces={shop}",
            "prometheusTokenSecrets[0].namespace=cart",
            "prometheusTokenSecrets[0].name=thanos-token");
    assertThat(outside.succeeded()).isFalse();
    assertThat(outside.stderr())
        .contains("prometheusTokenSecrets[0]: namespace cart is not in watchNamespaces");
  }

  @Test
  void notificationTargetsBecomeAConfigMapTheOperatorReadsWithItsSecretsByNameOnly() {
    Rendered chart =
        Rendered.template(
            "notifications.targets[0].name=payments-slack",
            "notifications.targets[0].format=slack",
            "notifications.targets[0].url.secretKeyRef.name=payments-slack-webhook",
            "notifications.targets[0].url.secretKeyRef.key=url",
            "notifications.targets[1].name=platform-events",
            "notifications.targets[1].format=cloudevents",
            "notifications.targets[1].url.secretKeyRef.name=platform-events",
            "notifications.targets[1].url.secretKeyRef.key=url",
            "notifications.targets[1].token.secretKeyRef.name=platform-events",
            "notifications.targets[1].token.secretKeyRef.key=token",
            "notifications.targets[1].when={RolledBack,Promoted}",
            "notifications.targets[1].allRollouts=true");

    var configMap =
        chart.one(io.fabric8.kubernetes.api.model.ConfigMap.class, "rollguard-notifications");
    assertThat(configMap.getMetadata().getNamespace()).isEqualTo(Rendered.NAMESPACE);
    assertThat(configMap.getData().get("targets.yaml"))
        .contains("name: payments-slack")
        .contains("name: payments-slack-webhook")
        .contains("allRollouts: true");
    Deployment deployment = chart.one(Deployment.class, "rollguard");
    assertThat(Rendered.env(deployment, "ROLLGUARD_NOTIFICATION_TARGETS"))
        .isEqualTo("rollguard-system/rollguard-notifications");
    Role role = chart.one(Role.class, "rollguard-notifications");
    assertThat(role.getMetadata().getNamespace()).isEqualTo(Rendered.NAMESPACE);
    assertThat(role.getRules())
        .map(Rendered::describe)
        .containsExactly(
            "/configmaps[rollguard-notifications]: get,list,watch",
            "/secrets[payments-slack-webhook, platform-events]: get");
    assertThat(chart.one(RoleBinding.class, "rollguard-notifications").getRoleRef().getName())
        .isEqualTo("rollguard-notifications");

    Rendered off = Rendered.template();
    assertThat(off.all(io.fabric8.kubernetes.api.model.ConfigMap.class)).isEmpty();
    assertThat(
            Rendered.env(off.one(Deployment.class, "rollguard"), "ROLLGUARD_NOTIFICATION_TARGETS"))
        .isNull();

    CommandResult literal =
        Rendered.render(
            "notifications.targets[0].name=leaky",
            "notifications.targets[0].format=slack",
            "notifications.targets[0].url=https://hooks.slack.com/services/T0/B0/XYZ");
    assertThat(literal.succeeded()).isFalse();
    assertThat(literal.stderr()).contains("/notifications/targets/0/url");
  }

  @Test
  void theOperatorPodRunsLockedDownWithProbesOnItsHealthEndpoints() {
    Deployment deployment = Rendered.template().one(Deployment.class, "rollguard");
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("rollguard");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    Container operator = pod.getContainers().get(0);
    assertThat(operator.getImage()).isEqualTo("rollguard/rollguard-operator:0.1.0");
    assertThat(operator.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(operator.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(operator.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(operator.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(operator.getResources().getLimits()).containsKey("memory");
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getPorts())
        .extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("metrics:8080", "health:8081");
    assertThat(Rendered.env(deployment, "ROLLGUARD_HEALTH_PORT")).isEqualTo("8081");
    assertThat(Rendered.env(deployment, "ROLLGUARD_LOG_FORMAT")).isEqualTo("text");
    assertThat(Rendered.env(deployment, "POD_NAME")).isEqualTo("<from field>");
    assertThat(operator.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .containsExactly("/tmp");

    Service metrics = Rendered.template().one(Service.class, "rollguard-metrics");
    assertThat(metrics.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("metrics"));
    assertThat(metrics.getSpec().getSelector())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void valuesReachTheOperatorAndBadValuesAreRefused() {
    Deployment deployment =
        Rendered.template(
                "operator.prometheusUrl=http://prometheus.monitoring.svc:9090",
                "operator.logFormat=json",
                "image.tag=1.2.3")
            .one(Deployment.class, "rollguard");
    assertThat(Rendered.env(deployment, "ROLLGUARD_PROMETHEUS_URL"))
        .isEqualTo("http://prometheus.monitoring.svc:9090");
    assertThat(Rendered.env(deployment, "ROLLGUARD_LOG_FORMAT")).isEqualTo("json");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("rollguard/rollguard-operator:1.2.3");

    assertThat(Rendered.render("operator.logFormat=xml").stderr()).contains("logFormat");
    assertThat(Rendered.render("watchNamespaces={Not_A_Namespace}").succeeded()).isFalse();
    assertThat(Rendered.render("replicaCount=0").succeeded()).isFalse();
    assertThat(Rendered.render("operatr.logFormat=json").stderr()).contains("operatr");
  }

  @Test
  void monitoringObjectsAreOptionalAndScrapeTheMetricsPort() {
    Rendered plain = Rendered.template();
    assertThat(plain.ofKind("ServiceMonitor")).isEmpty();
    assertThat(plain.ofKind("PrometheusRule")).isEmpty();

    Rendered chart =
        Rendered.template("serviceMonitor.enabled=true", "serviceMonitor.labels.release=kps");
    HasMetadata monitor = chart.ofKind("ServiceMonitor").get(0);
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kps");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec =
        (Map<String, Object>)
            chart.ofKind("ServiceMonitor").get(0).getAdditionalProperties().get("spec");
    assertThat(spec.toString()).contains("port=metrics").contains("honorLabels=true");
  }
}
