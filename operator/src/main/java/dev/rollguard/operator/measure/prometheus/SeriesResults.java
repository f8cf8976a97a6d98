package dev.rollguard.operator.measure.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.operator.measure.prometheus.Measurement.Cause;
import dev.rollguard.operator.measure.prometheus.Measurement.Inconclusive;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads the matrix a subquery returns; any other answer is explained as for an instant query. */
final class SeriesResults {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SeriesResults() {}

  static Series interpret(QueryTarget target, Instant at, int status, String body) {
    try {
      JsonNode json = JSON.readTree(body);
      JsonNode data = json.path("data");
      if (status == 200
          && "success".equals(json.path("status").asText())
          && "matrix".equals(data.path("resultType").asText())) {
        return matrix(data.path("result"), at);
      }
    } catch (Exception e) {
      // Not JSON: the instant-query reading below says what it is.
    }
    Measurement explained = PrometheusResponses.interpret(target, at, status, body);
    return Series.failed(
        explained instanceof Inconclusive inconclusive
            ? inconclusive
            : new Inconclusive(
                at, Cause.BAD_RESPONSE, "expected a series of values, got one number"));
  }

  private static Series matrix(JsonNode result, Instant at) {
    if (result.isEmpty()) {
      return Series.failed(
          new Inconclusive(at, Cause.NO_DATA, "query returned no data over the window"));
    }
    if (result.size() > 1) {
      return Series.failed(
          new Inconclusive(
              at,
              Cause.TOO_MANY_SERIES,
              "query returned "
                  + result.size()
                  + " series; a guard query must aggregate to one number (e.g. wrap it in sum())"));
    }
    List<Series.Point> points = new ArrayList<>();
    for (JsonNode pair : result.get(0).path("values")) {
      double value = Double.parseDouble(pair.get(1).asText());
      if (Double.isFinite(value)) {
        long millis = Math.round(pair.get(0).asDouble() * 1000);
        points.add(new Series.Point(Instant.ofEpochMilli(millis), value));
      }
    }
    return Series.of(points);
  }
}
