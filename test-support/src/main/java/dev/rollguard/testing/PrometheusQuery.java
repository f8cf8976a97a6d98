package dev.rollguard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalDouble;

/** Instant queries against a Prometheus HTTP API, for assertions in tests. */
public final class PrometheusQuery {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusQuery() {}

  /**
   * The value of a query that yields one sample (a scalar, or a vector of one element); empty when
   * the vector is empty. Fails on a query error or an unreachable server.
   */
  public static OptionalDouble instant(URI prometheus, String promql) {
    URI uri =
        prometheus.resolve(
            "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(response.body());
      if (!"success".equals(body.path("status").asText())) {
        throw new IllegalStateException("query '" + promql + "' failed: " + response.body());
      }
      JsonNode data = body.path("data");
      JsonNode result = data.path("result");
      if ("scalar".equals(data.path("resultType").asText())) {
        return OptionalDouble.of(Double.parseDouble(result.get(1).asText()));
      }
      if (result.size() > 1) {
        throw new IllegalStateException(
            "query '" + promql + "' returned " + result.size() + " series");
      }
      return result.isEmpty()
          ? OptionalDouble.empty()
          : OptionalDouble.of(Double.parseDouble(result.get(0).path("value").get(1).asText()));
    } catch (IOException e) {
      throw new IllegalStateException(
          "Prometheus at " + prometheus + " did not answer: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
