package dev.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsTextTest {

  private static final String PAGE =
      """
      # HELP rollguard_kubernetes_requests_total Requests sent to the Kubernetes API server.
      # TYPE rollguard_kubernetes_requests_total counter
      rollguard_kubernetes_requests_total{verb="get"} 12.0
      rollguard_kubernetes_requests_total{verb="put"} 30.0
      rollguard_kubernetes_requests_totalx{verb="put"} 1000.0
      jvm_memory_used_bytes{area="heap"} 1.5E7
      jvm_memory_used_bytes{area="nonheap"} 4.0E7
      rollguard_measurement_delay_seconds_bucket{le="0.001"} 3
      rollguard_measurement_delay_seconds_bucket{le="0.5"} 9
      rollguard_measurement_delay_seconds_bucket{le="+Inf"} 10
      rollguard_measurement_delay_seconds_count 10
      """;

  @Test
  void sumsTheSeriesOfOneMetricWithMatchingLabels() {
    MetricsText metrics = new MetricsText(PAGE);
    assertThat(metrics.sum("rollguard_kubernetes_requests_total", "")).isEqualTo(42.0);
    assertThat(metrics.sum("jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(1.5e7);
    assertThat(metrics.sum("rollguard_measurement_delay_seconds_count", "")).isEqualTo(10.0);
  }

  @Test
  void readsCumulativeBucketsAndTheirDifference() {
    var buckets = new MetricsText(PAGE).buckets("rollguard_measurement_delay_seconds");
    assertThat(buckets)
        .containsEntry(0.001, 3.0)
        .containsEntry(0.5, 9.0)
        .containsEntry(Double.POSITIVE_INFINITY, 10.0);

    var earlier = new java.util.TreeMap<Double, Double>();
    earlier.put(0.001, 1.0);
    earlier.put(0.5, 2.0);
    earlier.put(Double.POSITIVE_INFINITY, 2.0);
    assertThat(MetricsText.difference(buckets, earlier))
        .containsEntry(0.001, 2.0)
        .containsEntry(0.5, 7.0)
        .containsEntry(Double.POSITIVE_INFINITY, 8.0);
  }

  @Test
  void sumsACounterBySomeOfItsLabels() {
    String page =
        """
        # TYPE controller_clientset_k8s_request_total counter
        controller_clientset_k8s_request_total{kind="rollouts",name="app-00001",namespace="bench",status_code="200",verb="Patch"} 2
        controller_clientset_k8s_request_total{kind="rollouts",name="app-00002",namespace="bench",status_code="200",verb="Patch"} 3
        controller_clientset_k8s_request_total{kind="rollouts",name="app-00002",namespace="bench",status_code="409",verb="Patch"} 1
        controller_clientset_k8s_request_total{kind="events",name="N/A",namespace="bench",status_code="201",verb="Create"} 7
        controller_clientset_k8s_request_total{kind="leases",name="argo-rollouts-controller-lock",namespace="argo-rollouts",status_code="200",verb="Update"} 4
        """;
    var byKindAndVerb =
        new MetricsText(page).sumBy("controller_clientset_k8s_request_total", "kind", "verb");
    assertThat(byKindAndVerb)
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of("rollouts Patch", 6.0, "events Create", 7.0, "leases Update", 4.0));
    assertThat(new MetricsText(PAGE).sumBy("rollguard_kubernetes_requests_total", "verb"))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("get", 12.0, "put", 30.0));
  }

  @Test
  void readsLabelsWithEscapes() {
    assertThat(MetricsText.labels("{a=\"x\",b=\"say \\\"hi\\\"\"}"))
        .containsEntry("a", "x")
        .containsEntry("b", "say \"hi\"");
    assertThat(MetricsText.labels(" ")).isEmpty();
  }
}
