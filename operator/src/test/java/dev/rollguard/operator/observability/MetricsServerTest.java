package dev.rollguard.operator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.api.RolloutStatus.Phase;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsServerTest {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void servesTheRegistryOnAFreePort() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    OperatorMetrics metrics = new OperatorMetrics(registry);
    metrics.promoted("shop", "api");
    metrics.phase("shop", "api", Phase.Healthy);

    try (MetricsServer server = MetricsServer.start(0, registry)) {
      assertThat(server.port()).isPositive();
      HttpResponse<String> response = get(server.port(), "/metrics");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body())
          .contains(
              "rollguard_promotions_total{namespace=\"shop\",rollout=\"api\"} 1.0",
              "rollguard_rollout_phase{namespace=\"shop\",phase=\"Healthy\",rollout=\"api\"} 1.0");
    }
  }

  @Test
  void closeReleasesThePort() throws Exception {
    int port;
    try (MetricsServer server = MetricsServer.start(0, new PrometheusRegistry())) {
      port = server.port();
    }
    try (MetricsServer again = MetricsServer.start(port, new PrometheusRegistry())) {
      assertThat(get(port, "/metrics").statusCode()).isEqualTo(200);
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
