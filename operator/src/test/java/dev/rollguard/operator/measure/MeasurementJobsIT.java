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
import dev.rollguard.testing.Platform;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Where a Rollout's measurements go, and with which token, read from a real API server. */
@LocalPlatform(apiServer = true)
class MeasurementJobsIT {

  private static final MeasurementRequest REQUEST =
      new MeasurementRequest(Purpose.ANALYSIS, "abc", Instant.parse("2026-11-25T10:00:00Z"), Optional.empty());

  @BeforeAll
  static void secret(Platform platform) {
    platform.kubectl("create", "namespace", "shop").orThrow();
    platform.client().secrets().inNamespace("shop").resource(new SecretBuilder()
        .withNewMetadata().withName("prom-token").endMetadata()
        .addToStringData("token", "s3cr3t\n").build()).create();
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

  @Test
  void usesTheRolloutsPrometheusTimeoutAndTokenFromItsSecret(Platform platform) {
    PrometheusSpec prometheus = new PrometheusSpec();
    prometheus.address = "http://prometheus.monitoring:9090/prom";
    prometheus.timeout = "2s";
    prometheus.bearerTokenSecretRef = new SecretKeyRef();
    prometheus.bearerTokenSecretRef.name = "prom-token";
    prometheus.bearerTokenSecretRef.key = "token";

    MeasurementJob job = new MeasurementJobs(platform.client(), Optional.of(URI.create("http://default:9090")))
        .jobFor(rollout(prometheus), REQUEST);

    assertThat(job.unavailable()).isEmpty();
    assertThat(job.target().orElseThrow().address()).isEqualTo(URI.create("http://prometheus.monitoring:9090/prom"));
    assertThat(job.target().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(job.target().orElseThrow().bearerToken()).contains("s3cr3t");
    assertThat(job.queries()).containsExactly(
        java.util.Map.entry("db", "sum(pg_stat_activity_count)"),
        java.util.Map.entry("errors", "sum(rate(errors_total[1m]))"));
  }

  @Test
  void fallsBackToTheOperatorsPrometheusWithTheDefaultTimeout(Platform platform) {
    MeasurementJob job = new MeasurementJobs(platform.client(), Optional.of(URI.create("http://default:9090")))
        .jobFor(rollout(null), REQUEST);
    assertThat(job.target().orElseThrow().address()).isEqualTo(URI.create("http://default:9090"));
    assertThat(job.target().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(job.target().orElseThrow().bearerToken()).isEmpty();
  }

  @Test
  void saysWhyWhenThereIsNothingToQuery(Platform platform) {
    MeasurementJob none = new MeasurementJobs(platform.client(), Optional.empty()).jobFor(rollout(null), REQUEST);
    assertThat(none.unavailable()).hasValueSatisfying(why -> assertThat(why)
        .contains("spec.prometheus.address").contains("--prometheus-url"));

    PrometheusSpec missing = new PrometheusSpec();
    missing.bearerTokenSecretRef = new SecretKeyRef();
    missing.bearerTokenSecretRef.name = "no-such-secret";
    missing.bearerTokenSecretRef.key = "token";
    MeasurementJob noSecret = new MeasurementJobs(platform.client(), Optional.of(URI.create("http://p:9090")))
        .jobFor(rollout(missing), REQUEST);
    assertThat(noSecret.unavailable()).contains(
        "spec.prometheus.bearerTokenSecretRef: Secret no-such-secret not found");

    PrometheusSpec wrongKey = new PrometheusSpec();
    wrongKey.bearerTokenSecretRef = new SecretKeyRef();
    wrongKey.bearerTokenSecretRef.name = "prom-token";
    wrongKey.bearerTokenSecretRef.key = "password";
    MeasurementJob noKey = new MeasurementJobs(platform.client(), Optional.of(URI.create("http://p:9090")))
        .jobFor(rollout(wrongKey), REQUEST);
    assertThat(noKey.unavailable()).contains("spec.prometheus.bearerTokenSecretRef: Secret prom-token has no key password");
  }
}
