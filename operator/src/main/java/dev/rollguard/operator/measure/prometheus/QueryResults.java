package dev.rollguard.operator.measure.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rollguard.operator.measure.prometheus.Measurement.Cause;
import dev.rollguard.operator.measure.prometheus.Measurement.Inconclusive;
import dev.rollguard.operator.measure.prometheus.Measurement.Value;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Reads the {@code data} of a successful instant query: a guard needs exactly one finite number.
 */
final class QueryResults {

  /** How many label sets a TOO_MANY_SERIES reason names: enough to see which label differs. */
  private static final int SHOWN_SERIES = 3;

  private QueryResults() {}

  static Measurement read(JsonNode data, Instant at) {
    String type = data.path("resultType").asText();
    JsonNode result = data.path("result");
    return switch (type) {
      case "scalar" -> sample(result, at);
      case "vector" -> vector(result, at);
      case "matrix" ->
          bad(
              at,
              "query returned a range vector (matrix), but a guard query must return one number: "
                  + "drop the range selector such as [5m], or wrap it in a function such as rate() or avg_over_time()");
      case "string" -> bad(at, "query returned a string, but a guard query must return one number");
      default -> bad(at, "Prometheus answered with an unknown result type '" + type + "'");
    };
  }

  private static Measurement vector(JsonNode result, Instant at) {
    if (!result.isArray()) {
      return bad(at, "Prometheus answered a vector without a list of samples");
    }
    if (result.isEmpty()) {
      return new Inconclusive(at, Cause.NO_DATA, "query returned no data");
    }
    if (result.size() > 1) {
      return tooManySeries(result, at);
    }
    JsonNode only = result.get(0);
    if (only.has("histogram")) {
      return bad(
          at,
          "query returned a native histogram, but a guard query must return one number: "
              + "wrap it in a function such as histogram_quantile() or histogram_count()");
    }
    return sample(only.path("value"), at);
  }

  /** A {@code [timestamp, "value"]} pair; the timestamp is the evaluation time we asked for. */
  private static Measurement sample(JsonNode pair, Instant at) {
    if (!pair.isArray() || pair.size() != 2) {
      return bad(
          at,
          "Prometheus answered a sample that is not a [time, value] pair: "
              + Wording.snippet(pair.toString(), 200));
    }
    return number(pair.get(1).asText(), at);
  }

  // Prometheus writes non-finite values as NaN, +Inf and -Inf, which Double.parseDouble does not
  // read.
  private static Measurement number(String text, Instant at) {
    return switch (text) {
      case "NaN" ->
          notANumber(at, "NaN", "often 0/0, e.g. an error ratio while there is no traffic");
      case "+Inf", "Inf" -> notANumber(at, "+Inf", "usually a division by zero");
      case "-Inf" -> notANumber(at, "-Inf", "usually a division by zero");
      default -> parsed(text, at);
    };
  }

  private static Measurement parsed(String text, Instant at) {
    try {
      double value = Double.parseDouble(text);
      return Double.isFinite(value) ? new Value(at, value) : notANumber(at, text, "not finite");
    } catch (NumberFormatException e) {
      return bad(
          at,
          "Prometheus answered a sample value that is not a number: '"
              + Wording.snippet(text, 100)
              + "'");
    }
  }

  private static Measurement notANumber(Instant at, String value, String hint) {
    return new Inconclusive(
        at,
        Cause.NOT_A_NUMBER,
        "query returned "
            + value
            + ", which a guard cannot compare with a threshold ("
            + hint
            + ")");
  }

  private static Measurement tooManySeries(JsonNode result, Instant at) {
    String shown =
        StreamSupport.stream(result.spliterator(), false)
            .limit(SHOWN_SERIES)
            .map(series -> labelSet(series.path("metric")))
            .collect(Collectors.joining(", "));
    int more = result.size() - SHOWN_SERIES;
    return new Inconclusive(
        at,
        Cause.TOO_MANY_SERIES,
        "query returned "
            + result.size()
            + " series, but a guard query must aggregate to one number (e.g. wrap it in sum(...)): "
            + shown
            + (more > 0 ? " and " + more + " more" : ""));
  }

  /** A series as Prometheus prints it: {@code name{label="value", ...}}. */
  static String labelSet(JsonNode metric) {
    StringBuilder labels = new StringBuilder();
    for (Map.Entry<String, JsonNode> label : metric.properties()) {
      if (label.getKey().equals("__name__")) {
        continue;
      }
      labels
          .append(labels.length() == 0 ? "" : ", ")
          .append(label.getKey())
          .append("=\"")
          .append(escape(label.getValue().asText()))
          .append('"');
    }
    return metric.path("__name__").asText("") + "{" + labels + "}";
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static Measurement bad(Instant at, String reason) {
    return new Inconclusive(at, Cause.BAD_RESPONSE, reason);
  }
}
