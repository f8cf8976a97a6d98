package dev.rollguard.operator.measure.prometheus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rollguard.operator.measure.prometheus.Measurement.Cause;
import dev.rollguard.operator.measure.prometheus.Measurement.Inconclusive;
import java.time.Instant;

/**
 * Turns Prometheus' answer to an instant query (status code and body) into a measurement. A pure
 * function: every answer a server can give maps to a value or a reason, never an exception.
 */
final class PrometheusResponses {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ERROR_TEXT = 1000;
  private static final int MAX_BODY_SNIPPET = 200;

  private PrometheusResponses() {}

  static Measurement interpret(QueryTarget target, Instant at, int status, String body) {
    try {
      return interpretUnchecked(target, at, status, body);
    } catch (RuntimeException e) {
      // Answers are untrusted input; whatever shape slipped past the checks is still an answer we
      // could not read.
      return new Inconclusive(at, Cause.BAD_RESPONSE, "could not read Prometheus' answer: " + e);
    }
  }

  private static Measurement interpretUnchecked(
      QueryTarget target, Instant at, int status, String body) {
    // Authentication is done by a proxy in front of Prometheus, whose body says nothing useful.
    if (status == 401 || status == 403) {
      return refused(target, at, status);
    }
    JsonNode json = jsonObject(body);
    String apiStatus = json == null ? "" : json.path("status").asText();
    if (apiStatus.equals("error")) {
      return queryError(json, at);
    }
    if (status < 200 || status > 299) {
      return httpError(target, at, status, body);
    }
    if (!apiStatus.equals("success")) {
      return new Inconclusive(
          at,
          Cause.BAD_RESPONSE,
          "Prometheus at "
              + Wording.address(target.address())
              + " answered HTTP "
              + status
              + " with something that is not a Prometheus API response: '"
              + Wording.snippet(body, MAX_BODY_SNIPPET)
              + "'; is the address Prometheus' base URL?");
    }
    return QueryResults.read(json.path("data"), at);
  }

  /**
   * Prometheus' own error: how users learn their query has a syntax error, or was too expensive.
   */
  private static Measurement queryError(JsonNode json, Instant at) {
    String type = json.path("errorType").asText("");
    String error = json.path("error").asText("");
    String text = type.isEmpty() ? error : error.isEmpty() ? type : type + ": " + error;
    return new Inconclusive(
        at,
        Cause.QUERY_ERROR,
        "Prometheus could not run the query: " + Wording.snippet(text, MAX_ERROR_TEXT));
  }

  private static Measurement refused(QueryTarget target, Instant at, int status) {
    String where = "Prometheus at " + Wording.address(target.address());
    String reason =
        target.bearerToken().isPresent()
            ? where + " refused the bearer token (HTTP " + status + ")"
            : where
                + " refused the query (HTTP "
                + status
                + "): it requires authentication and no bearer token is configured";
    return new Inconclusive(at, Cause.HTTP_ERROR, reason);
  }

  private static Measurement httpError(QueryTarget target, Instant at, int status, String body) {
    String reason =
        "Prometheus at " + Wording.address(target.address()) + " answered HTTP " + status;
    String snippet = Wording.snippet(body, MAX_BODY_SNIPPET);
    if (!snippet.isEmpty()) {
      reason += ": " + snippet;
    }
    if (status == 404) {
      reason += " (is the address Prometheus' base URL, without /api/v1?)";
    }
    return new Inconclusive(at, Cause.HTTP_ERROR, reason);
  }

  /** The body as a JSON object, or null when it is anything else (HTML, plain text, nothing). */
  private static JsonNode jsonObject(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
