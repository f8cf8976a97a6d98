package dev.rollguard.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Argo Rollouts side of the fleet, as close to Rollguard's as Argo allows: per Deployment a
 * Rollout that takes its pod template from the Deployment ({@code workloadRef}, Argo's migration
 * pattern: the Deployment stays at 0 replicas and Argo runs its own ReplicaSets), a canary that
 * goes to 100 % at once and then pauses for the bake time, and background analysis over the pause
 * with the same two guards, against the same endpoint, as Rollguard's Rollouts.
 */
final class ArgoObjects {

  static final String API_VERSION = "argoproj.io/v1alpha1";
  static final String TEMPLATE = "bench-guards";

  private ArgoObjects() {}

  /**
   * Argo fails a metric when its failed measurements exceed failureLimit (a total over the run);
   * Rollguard rolls back when a guard breaches failureLimit times in a row. For a release that
   * breaches at every measurement both act on the same measurement when Argo's limit is one less.
   */
  static int argoFailureLimit(int rollguardFailureLimit) {
    return rollguardFailureLimit - 1;
  }

  /** The one AnalysisTemplate every Rollout refers to: Rollguard's two guards, same bounds. */
  static GenericKubernetesResource analysisTemplate(
      String prometheusUrl, Fleet.AnalysisTiming timing) {
    int failureLimit = argoFailureLimit(timing.failureLimit());
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(API_VERSION)
        .withKind("AnalysisTemplate")
        .withNewMetadata()
        .withName(TEMPLATE)
        .withNamespace(Fleet.NAMESPACE)
        .endMetadata()
        .withAdditionalProperties(
            Map.of(
                "spec",
                Map.of(
                    "args",
                    List.of(Map.of("name", "deployment")),
                    "metrics",
                    List.of(
                        metric(
                            "db-connections",
                            MetricTable.CONNECTIONS,
                            MetricTable.CONNECTIONS_LIMIT,
                            prometheusUrl,
                            timing,
                            failureLimit),
                        metric(
                            "error-ratio",
                            MetricTable.ERRORS,
                            MetricTable.ERRORS_LIMIT,
                            prometheusUrl,
                            timing,
                            failureLimit)))))
        .build();
  }

  private static Map<String, Object> metric(
      String name,
      String series,
      double max,
      String prometheusUrl,
      Fleet.AnalysisTiming timing,
      int failureLimit) {
    Map<String, Object> metric = new LinkedHashMap<>();
    metric.put("name", name);
    metric.put("interval", timing.interval());
    metric.put("initialDelay", timing.initialDelay());
    metric.put("failureLimit", failureLimit);
    // Rollguard's guard breaches above max; Argo's measurement fails when this is false.
    metric.put("successCondition", "result[0] <= " + bound(max));
    metric.put(
        "provider",
        Map.of(
            "prometheus",
            Map.of(
                "address",
                prometheusUrl,
                "query",
                Fleet.guardQuery(series, "{{args.deployment}}"))));
    return metric;
  }

  private static String bound(double max) {
    return max == Math.rint(max) ? String.valueOf((long) max) : String.valueOf(max);
  }

  /** The Rollout of Deployment {@code name}. */
  static GenericKubernetesResource rollout(String name, Fleet.AnalysisTiming timing) {
    Map<String, Object> canary = new LinkedHashMap<>();
    canary.put(
        "steps",
        List.of(Map.of("setWeight", 100), Map.of("pause", Map.of("duration", timing.bakeTime()))));
    canary.put(
        "analysis",
        Map.of(
            "templates",
            List.of(Map.of("templateName", TEMPLATE)),
            "args",
            List.of(Map.of("name", "deployment", "value", name))));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("replicas", 1);
    spec.put("selector", Map.of("matchLabels", Map.of("app", name)));
    spec.put("workloadRef", Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", name));
    spec.put("strategy", Map.of("canary", canary));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(API_VERSION)
        .withKind("Rollout")
        .withNewMetadata()
        .withName(name)
        .withNamespace(Fleet.NAMESPACE)
        .endMetadata()
        .withAdditionalProperties(Map.of("spec", spec))
        .build();
  }

  /** A field of a generic object's status, or null. */
  @SuppressWarnings("unchecked")
  static Object status(GenericKubernetesResource resource, String field) {
    Object status = resource.getAdditionalProperties().get("status");
    return status instanceof Map<?, ?> map ? ((Map<String, Object>) map).get(field) : null;
  }
}
