package dev.rollguard.operator.measure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.PrometheusSpec;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutSpec;
import dev.rollguard.operator.api.SecretKeyRef;
import dev.rollguard.operator.api.WorkloadRef;
import dev.rollguard.operator.measure.MeasurementRound.Purpose;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.MovableClock;
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where a Rollout's measurements go, and with which token, read from a real API server when the
 * round runs (not when its job is built) and kept for a while.
 */
@LocalPlatform(apiServer = true)
class MeasurementJobsIT {

  private static final MeasurementRequest REQUEST =
      new MeasurementRequest(
          Purpose.ANALYSIS, "abc", Instant.parse("2026-11-25T10:00:00Z"), Optional.empty());

  @BeforeAll
  static void secret(Platform platform) {
    platform.kubectl("create", "namespace", "shop").orThrow();
    createSecret(platform, "prom-token", "s3cr3t\n");
  }

  private static Rollout rollout(PrometheusSpec prometheus) {
    Rollout rollout = new Rollout();
    rollout.setMetadata(new ObjectMetaBuilder().withName("web").withNamespace("shop").build());
    RolloutSpec spec = new RolloutSpec();
    spec.workloadRef = new WorkloadRef("Deployment", "web");
    GuardSpec db = new GuardSpec("db", "sum(pg_stat_activity_count)");
    db.max = 10.0;
    GuardSpec errors = new GuardSpec("errors", "sum(rate(errors_total[1m]))");
    errors.max = 1.0;
    spec.guards = List.of(db, errors);
    spec.prometheus = prometheus;
    rollout.setSpec(spec);
    return rollout;
  }

  private static PrometheusSpec tokenFrom(String secret, String key) {
    PrometheusSpec prometheus = new PrometheusSpec();
    prometheus.bearerTokenSecretRef = new SecretKeyRef();
    prometheus.bearerTokenSecretRef.name = secret;
    prometheus.bearerTokenSecretRef.key = key;
    return prometheus;
  }

  private static void createSecret(Platform platform, String name, String token) {
    platform
        .client()
        .secrets()
        .inNamespace("shop")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .addToStringData("token", token)
                .build())
        .create();
  }

  @Test
  void usesTheRolloutsPrometheusTimeoutAndTokenFromItsSecret(Platform platform) {
    PrometheusSpec prometheus = tokenFrom("prom-token", "token");
    prometheus.address = "http://prometheus.monitoring:9090/prom";
    prometheus.timeout = "2s";

    MeasurementJob job =
        new MeasurementJobs(platform.client(), Optional.of(URI.create("http://default:9090")))
            .jobFor(rollout(prometheus), REQUEST);

    assertThat(job.target().orElseThrow().bearerToken())
        .as("read when the round runs, not when built")
        .isEmpty();
    MeasurementJob sent = job.withTokenRead();
    assertThat(sent.unavailable()).isEmpty();
    assertThat(sent.target().orElseThrow().address())
        .isEqualTo(URI.create("http://prometheus.monitoring:9090/prom"));
    assertThat(sent.target().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(sent.target().orElseThrow().bearerToken()).contains("s3cr3t");
    assertThat(sent.queries())
        .containsExactly(
            java.util.Map.entry("db", "sum(pg_stat_activity_count)"),
            java.util.Map.entry("errors", "sum(rate(errors_total[1m]))"));
  }

  @Test
  void fallsBackToTheOperatorsPrometheusWithTheDefaultTimeout(Platform platform) {
    MeasurementJob job =
        new MeasurementJobs(platform.client(), Optional.of(URI.create("http://default:9090")))
            .jobFor(rollout(null), REQUEST)
            .withTokenRead();
    assertThat(job.target().orElseThrow().address()).isEqualTo(URI.create("http://default:9090"));
    assertThat(job.target().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(job.target().orElseThrow().bearerToken()).isEmpty();
  }

  @Test
  void saysWhyWhenThereIsNothingToQuery(Platform platform) {
    MeasurementJob none =
        new MeasurementJobs(platform.client(), Optional.empty()).jobFor(rollout(null), REQUEST);
    assertThat(none.unavailable())
        .hasValueSatisfying(
            why ->
                assertThat(why).contains("spec.prometheus.address").contains("--prometheus-url"));

    MeasurementJobs jobs =
        new MeasurementJobs(platform.client(), Optional.of(URI.create("http://p:9090")));
    MeasurementJob noSecret = jobs.jobFor(rollout(tokenFrom("no-such-secret", "token")), REQUEST);
    assertThat(noSecret.unavailable()).as("nothing read while building").isEmpty();
    assertThat(noSecret.withTokenRead().unavailable())
        .contains("spec.prometheus.bearerTokenSecretRef: Secret no-such-secret not found");
    assertThat(noSecret.withTokenRead().target()).isEmpty();

    MeasurementJob noKey = jobs.jobFor(rollout(tokenFrom("prom-token", "password")), REQUEST);
    assertThat(noKey.withTokenRead().unavailable())
        .contains("spec.prometheus.bearerTokenSecretRef: Secret prom-token has no key password");
  }

  @Test
  void aSecretTheOperatorMayNotReadIsReportedByName(Platform platform) throws Exception {
    Config nobody =
        new ConfigBuilder(Config.fromKubeconfig(Files.readString(platform.kubeconfig())))
            .withImpersonateUsername("system:serviceaccount:shop:nobody")
            .build();
    try (KubernetesClient client = platform.clientFor(nobody)) {
      MeasurementJob job =
          new MeasurementJobs(client, Optional.of(URI.create("http://p:9090")))
              .jobFor(rollout(tokenFrom("prom-token", "token")), REQUEST)
              .withTokenRead();

      assertThat(job.unavailable())
          .hasValueSatisfying(
              why ->
                  assertThat(why)
                      .isEqualTo(
                          "spec.prometheus.bearerTokenSecretRef: Secret prom-token may not be read by the operator (403): "
                              + "list it in the chart's prometheusTokenSecrets"));
    }
  }

  @Test
  void aSecretCreatedAfterItsRolloutIsUsedOnceTheFailureExpires(Platform platform) {
    MovableClock clock = new MovableClock(Instant.parse("2026-11-25T10:00:00Z"));
    MeasurementJobs jobs =
        new MeasurementJobs(platform.client(), Optional.of(URI.create("http://p:9090")), clock);
    MeasurementJob job = jobs.jobFor(rollout(tokenFrom("late-token", "token")), REQUEST);
    assertThat(job.withTokenRead().unavailable())
        .contains("spec.prometheus.bearerTokenSecretRef: Secret late-token not found");

    createSecret(platform, "late-token", "created-later");
    assertThat(job.withTokenRead().unavailable())
        .as("the failure is kept for a moment")
        .isPresent();

    clock.advance(TokenCache.FAILURE_TTL);
    MeasurementJob sent = job.withTokenRead();
    assertThat(sent.unavailable()).isEmpty();
    assertThat(sent.target().orElseThrow().bearerToken()).contains("created-later");
  }

  @Test
  void aChangedTokenIsUsedOnceTheTokenTtlPasses(Platform platform) {
    createSecret(platform, "rotated-token", "before");
    MovableClock clock = new MovableClock(Instant.parse("2026-11-25T10:00:00Z"));
    MeasurementJobs jobs =
        new MeasurementJobs(platform.client(), Optional.of(URI.create("http://p:9090")), clock);
    MeasurementJob job = jobs.jobFor(rollout(tokenFrom("rotated-token", "token")), REQUEST);
    assertThat(job.withTokenRead().target().orElseThrow().bearerToken()).contains("before");

    platform
        .client()
        .secrets()
        .inNamespace("shop")
        .withName("rotated-token")
        .edit(
            secret ->
                new SecretBuilder(secret).withData(null).addToStringData("token", "after").build());
    assertThat(job.withTokenRead().target().orElseThrow().bearerToken()).contains("before");

    clock.advance(TokenCache.TOKEN_TTL);
    assertThat(job.withTokenRead().target().orElseThrow().bearerToken()).contains("after");
  }
}
