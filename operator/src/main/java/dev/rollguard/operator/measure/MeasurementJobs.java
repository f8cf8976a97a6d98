package dev.rollguard.operator.measure;

import dev.rollguard.operator.api.Durations;
import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.PrometheusSpec;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.measure.prometheus.QueryTarget;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Turns a measurement request into a job: the Rollout's Prometheus, its token, its guards' queries. */
public final class MeasurementJobs {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  private final KubernetesClient client;
  private final Optional<URI> defaultPrometheus;

  public MeasurementJobs(KubernetesClient client, Optional<URI> defaultPrometheus) {
    this.client = client;
    this.defaultPrometheus = defaultPrometheus;
  }

  public MeasurementJob jobFor(Rollout rollout, MeasurementRequest request) {
    Map<String, String> queries = new LinkedHashMap<>();
    for (GuardSpec guard : rollout.getSpec().guards) {
      queries.put(guard.name, guard.query);
    }
    PrometheusSpec prometheus = rollout.getSpec().prometheus != null ? rollout.getSpec().prometheus : new PrometheusSpec();
    Optional<URI> address = prometheus.address != null ? Optional.of(URI.create(prometheus.address)) : defaultPrometheus;
    if (address.isEmpty()) {
      return unavailable(request, queries, "no Prometheus to query: set spec.prometheus.address or start the "
          + "operator with --prometheus-url");
    }
    Duration timeout = prometheus.timeout != null ? Durations.parse(prometheus.timeout) : DEFAULT_TIMEOUT;
    Optional<String> token = Optional.empty();
    if (prometheus.bearerTokenSecretRef != null) {
      var ref = prometheus.bearerTokenSecretRef;
      Secret secret = client.secrets().inNamespace(rollout.getMetadata().getNamespace()).withName(ref.name).get();
      if (secret == null || secret.getData() == null || !secret.getData().containsKey(ref.key)) {
        return unavailable(request, queries, "spec.prometheus.bearerTokenSecretRef: "
            + (secret == null ? "Secret " + ref.name + " not found" : "Secret " + ref.name + " has no key " + ref.key));
      }
      token = Optional.of(new String(Base64.getDecoder().decode(secret.getData().get(ref.key)), StandardCharsets.UTF_8));
    }
    return new MeasurementJob(request, Optional.of(new QueryTarget(address.get(), timeout, token)), queries,
        Optional.empty(), request.purpose() == MeasurementRound.Purpose.BASELINE ? Map.of() : trends(rollout));
  }

  private static Map<String, MeasurementJob.TrendQuery> trends(Rollout rollout) {
    Map<String, MeasurementJob.TrendQuery> trends = new LinkedHashMap<>();
    for (GuardSpec guard : rollout.getSpec().guards) {
      if (guard.exhaustion != null) {
        var exhaustion = guard.exhaustion;
        trends.put(guard.name, new MeasurementJob.TrendQuery(guard.query,
            Durations.parse(exhaustion.window != null ? exhaustion.window : "5m"),
            Optional.ofNullable(exhaustion.limit), Optional.ofNullable(exhaustion.limitQuery)));
      }
    }
    return trends;
  }

  private static MeasurementJob unavailable(MeasurementRequest request, Map<String, String> queries, String why) {
    return new MeasurementJob(request, Optional.empty(), queries, Optional.of(why));
  }
}
