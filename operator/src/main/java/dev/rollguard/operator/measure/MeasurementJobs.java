package dev.rollguard.operator.measure;

import dev.rollguard.operator.api.CompareSpec;
import dev.rollguard.operator.api.Durations;
import dev.rollguard.operator.api.GuardSpec;
import dev.rollguard.operator.api.PrometheusSpec;
import dev.rollguard.operator.api.QueryVariables;
import dev.rollguard.operator.api.Rollout;
import dev.rollguard.operator.api.RolloutStatus;
import dev.rollguard.operator.measure.prometheus.QueryTarget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a measurement request into a job: the Rollout's Prometheus, its token, its guards' queries.
 * Building a job sends no request: the token Secret is read through {@link TokenCache} when the
 * round runs, on the measurement executor.
 */
public final class MeasurementJobs {

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** The Rollout field that names the token Secret; every failure to read it starts with this. */
  private static final String TOKEN_REF = "spec.prometheus.bearerTokenSecretRef";

  private final TokenCache tokens;
  private final Optional<URI> defaultPrometheus;

  public MeasurementJobs(KubernetesClient client, Optional<URI> defaultPrometheus) {
    this(client, defaultPrometheus, Clock.systemUTC());
  }

  /**
   * @param clock times how long a token read from its Secret is kept
   */
  public MeasurementJobs(KubernetesClient client, Optional<URI> defaultPrometheus, Clock clock) {
    this.tokens =
        new TokenCache(
            key -> SecretKeys.read(client, key, key.name(), "the chart's prometheusTokenSecrets"),
            clock);
    this.defaultPrometheus = defaultPrometheus;
  }

  public MeasurementJob jobFor(Rollout rollout, MeasurementRequest request) {
    return jobFor(rollout, rollout.getStatus(), request);
  }

  /**
   * @param status the status the round is for (the decision's, not yet written): it holds the
   *     pod-template-hashes that {{revision}} and {{stableRevision}} stand for
   */
  public MeasurementJob jobFor(Rollout rollout, RolloutStatus status, MeasurementRequest request) {
    Map<String, String> values = variables(rollout, status);
    Map<String, String> queries = new LinkedHashMap<>();
    Map<String, String> unanswerable = new LinkedHashMap<>();
    for (GuardSpec guard : rollout.getSpec().guards) {
      render(guard.name, guard.query, values, queries, unanswerable);
      if (guard.compare != null) {
        render(
            CompareSpec.measuredAs(guard.name),
            guard.compare.baseline,
            values,
            queries,
            unanswerable);
      }
    }
    PrometheusSpec prometheus =
        rollout.getSpec().prometheus != null ? rollout.getSpec().prometheus : new PrometheusSpec();
    Optional<URI> address =
        prometheus.address != null
            ? Optional.of(URI.create(prometheus.address))
            : defaultPrometheus;
    if (address.isEmpty()) {
      return unavailable(
          request,
          queries,
          "no Prometheus to query: set spec.prometheus.address or start the "
              + "operator with --prometheus-url");
    }
    Duration timeout =
        prometheus.timeout != null ? Durations.parse(prometheus.timeout) : DEFAULT_TIMEOUT;
    Optional<MeasurementJob.TokenSource> token =
        Optional.ofNullable(prometheus.bearerTokenSecretRef)
            .map(
                ref ->
                    tokenSource(
                        new TokenCache.Key(
                            rollout.getMetadata().getNamespace(), ref.name, ref.key)));
    return new MeasurementJob(
            request,
            Optional.of(QueryTarget.of(address.get(), timeout)),
            queries,
            Optional.empty(),
            request.purpose() == MeasurementRound.Purpose.BASELINE
                ? Map.of()
                : trends(rollout, values),
            token)
        .withUnanswerable(unanswerable);
  }

  /** What the query variables stand for, as far as the status knows it. */
  static Map<String, String> variables(Rollout rollout, RolloutStatus status) {
    Map<String, String> values = new HashMap<>();
    values.put(QueryVariables.NAMESPACE, rollout.getMetadata().getNamespace());
    values.put(QueryVariables.DEPLOYMENT, rollout.getSpec().workloadRef.name);
    values.put(QueryVariables.ROLLOUT, rollout.getMetadata().getName());
    if (status != null && status.currentRevision != null) {
      putIfKnown(values, QueryVariables.REVISION, status.currentRevision.podTemplateHash);
    }
    if (status != null && status.stableRevision != null) {
      putIfKnown(values, QueryVariables.STABLE_REVISION, status.stableRevision.podTemplateHash);
    }
    return values;
  }

  private static void putIfKnown(Map<String, String> values, String name, String value) {
    if (value != null) {
      values.put(name, value);
    }
  }

  /** The query with its variables filled in, or why it cannot be asked yet. */
  private static void render(
      String key,
      String query,
      Map<String, String> values,
      Map<String, String> queries,
      Map<String, String> unanswerable) {
    List<String> missing =
        QueryVariables.in(query).stream().filter(name -> !values.containsKey(name)).toList();
    if (missing.isEmpty()) {
      queries.put(key, QueryVariables.render(query, values));
    } else {
      unanswerable.put(
          key,
          "{{"
              + missing.get(0)
              + "}} is not known yet: the pod-template-hash of that revision's ReplicaSet has not"
              + " been seen");
    }
  }

  private MeasurementJob.TokenSource tokenSource(TokenCache.Key key) {
    return () -> {
      TokenCache.Result read = tokens.get(key);
      return read instanceof TokenCache.Failure failure
          ? new TokenCache.Failure(TOKEN_REF + ": " + failure.reason())
          : read;
    };
  }

  private static Map<String, MeasurementJob.TrendQuery> trends(
      Rollout rollout, Map<String, String> values) {
    Map<String, MeasurementJob.TrendQuery> trends = new LinkedHashMap<>();
    for (GuardSpec guard : rollout.getSpec().guards) {
      if (guard.exhaustion != null) {
        var exhaustion = guard.exhaustion;
        trends.put(
            guard.name,
            new MeasurementJob.TrendQuery(
                QueryVariables.render(guard.query, values),
                Durations.parse(exhaustion.window != null ? exhaustion.window : "5m"),
                Optional.ofNullable(exhaustion.limit),
                Optional.ofNullable(exhaustion.limitQuery)));
      }
    }
    return trends;
  }

  private static MeasurementJob unavailable(
      MeasurementRequest request, Map<String, String> queries, String why) {
    return new MeasurementJob(request, Optional.empty(), queries, Optional.of(why));
  }
}
