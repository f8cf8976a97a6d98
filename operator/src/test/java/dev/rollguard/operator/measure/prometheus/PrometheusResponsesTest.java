package dev.rollguard.operator.measure.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.measure.prometheus.Measurement.Cause;
import dev.rollguard.operator.measure.prometheus.Measurement.Inconclusive;
import dev.rollguard.operator.measure.prometheus.Measurement.Value;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every answer Prometheus (or whatever sits at its address) can give, without a server. */
class PrometheusResponsesTest {

  private static final Instant AT = Instant.parse("2026-11-25T03:00:00.250Z");
  private static final QueryTarget TARGET =
      QueryTarget.of(URI.create("http://prom:9090"), Duration.ofSeconds(5));
  private static final QueryTarget WITH_TOKEN =
      new QueryTarget(
          URI.create("http://prom:9090"), Duration.ofSeconds(5), Optional.of("secret-token"));

  @Test
  void scalarIsTheValue() {
    assertThat(ok("{\"resultType\":\"scalar\",\"result\":[1795575600.25,\"0.05\"]}"))
        .isEqualTo(new Value(AT, 0.05));
  }

  @Test
  void vectorOfOneSampleIsItsValueAtTheEvaluationTime() {
    assertThat(ok(vector(series("{\"job\":\"api\"}", "150")))).isEqualTo(new Value(AT, 150));
  }

  @Test
  void emptyVectorIsNoData() {
    assertInconclusive(ok(vector()), Cause.NO_DATA).isEqualTo("query returned no data");
  }

  @Test
  void severalSeriesAreTooManyAndTheReasonNamesTheFirstFewAndSaysToAggregate() {
    String fiveSeries =
        IntStream.range(0, 5)
            .mapToObj(
                i ->
                    series(
                        "{\"__name__\":\"http_requests_total\",\"path\":\"/p"
                            + i
                            + "\",\"job\":\"api\"}",
                        "1"))
            .collect(Collectors.joining(","));

    assertInconclusive(ok(vector(fiveSeries)), Cause.TOO_MANY_SERIES)
        .startsWith(
            "query returned 5 series, but a guard query must aggregate to one number (e.g. wrap it in sum(...)): ")
        .contains(
            "http_requests_total{path=\"/p0\", job=\"api\"}, http_requests_total{path=\"/p1\", job=\"api\"}, "
                + "http_requests_total{path=\"/p2\", job=\"api\"} and 2 more")
        .doesNotContain("/p3");
  }

  @Test
  void twoSeriesWithoutANameAreShownAsBareLabelSets() {
    assertInconclusive(
            ok(vector(series("{\"pod\":\"a\"}", "1") + "," + series("{}", "2"))),
            Cause.TOO_MANY_SERIES)
        .endsWith("sum(...)): {pod=\"a\"}, {}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "+Inf", "-Inf"})
  void nonFiniteValuesAreNotANumber(String value) {
    assertInconclusive(ok(vector(series("{}", value))), Cause.NOT_A_NUMBER)
        .startsWith("query returned " + value + ", which a guard cannot compare with a threshold");
  }

  @Test
  void nanScalarIsNotANumberToo() {
    assertInconclusive(
            ok("{\"resultType\":\"scalar\",\"result\":[1795575600.25,\"NaN\"]}"),
            Cause.NOT_A_NUMBER)
        .contains("0/0");
  }

  @Test
  void matrixIsABadResponseThatExplainsTheRangeSelector() {
    assertInconclusive(
            ok("{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1,\"1\"]]}]}"),
            Cause.BAD_RESPONSE)
        .contains("range vector")
        .contains("[5m]")
        .contains("rate()");
  }

  @Test
  void stringIsABadResponse() {
    assertInconclusive(
            ok("{\"resultType\":\"string\",\"result\":[1,\"hello\"]}"), Cause.BAD_RESPONSE)
        .isEqualTo("query returned a string, but a guard query must return one number");
  }

  @Test
  void nativeHistogramIsABadResponse() {
    String histogram = "{\"metric\":{},\"histogram\":[1,{\"count\":\"3\",\"sum\":\"1.5\"}]}";
    assertInconclusive(ok(vector(histogram)), Cause.BAD_RESPONSE).contains("native histogram");
  }

  @Test
  void valueThatIsNoNumberIsABadResponse() {
    assertInconclusive(ok(vector(series("{}", "lots"))), Cause.BAD_RESPONSE)
        .isEqualTo("Prometheus answered a sample value that is not a number: 'lots'");
  }

  @Test
  void successWithoutDataIsABadResponse() {
    assertInconclusive(
            PrometheusResponses.interpret(TARGET, AT, 200, "{\"status\":\"success\"}"),
            Cause.BAD_RESPONSE)
        .contains("unknown result type ''");
  }

  @Test
  void parseErrorIsAQueryErrorWithPrometheusTypeAndText() {
    String body =
        "{\"status\":\"error\",\"errorType\":\"bad_data\","
            + "\"error\":\"1:5: parse error: unclosed left parenthesis\"}";
    assertInconclusive(PrometheusResponses.interpret(TARGET, AT, 400, body), Cause.QUERY_ERROR)
        .isEqualTo(
            "Prometheus could not run the query: bad_data: 1:5: parse error: unclosed left parenthesis");
  }

  @Test
  void executionErrorAndServerSideTimeoutAreQueryErrors() {
    String execution =
        "{\"status\":\"error\",\"errorType\":\"execution\","
            + "\"error\":\"found duplicate series for the match group\"}";
    String timeout =
        "{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out in query execution\"}";

    assertInconclusive(PrometheusResponses.interpret(TARGET, AT, 422, execution), Cause.QUERY_ERROR)
        .endsWith("execution: found duplicate series for the match group");
    assertInconclusive(PrometheusResponses.interpret(TARGET, AT, 503, timeout), Cause.QUERY_ERROR)
        .endsWith("timeout: query timed out in query execution");
  }

  @Test
  void otherStatusWithoutJsonErrorIsAnHttpErrorWithTheStatusAndTheStartOfTheBody() {
    assertInconclusive(
            PrometheusResponses.interpret(TARGET, AT, 502, "<html>\n<h1>Bad Gateway</h1>\n</html>"),
            Cause.HTTP_ERROR)
        .isEqualTo(
            "Prometheus at http://prom:9090 answered HTTP 502: <html> <h1>Bad Gateway</h1> </html>");
  }

  @Test
  void notFoundHintsAtTheBaseUrl() {
    assertInconclusive(
            PrometheusResponses.interpret(TARGET, AT, 404, "404 page not found"), Cause.HTTP_ERROR)
        .isEqualTo(
            "Prometheus at http://prom:9090 answered HTTP 404: 404 page not found"
                + " (is the address Prometheus' base URL, without /api/v1?)");
  }

  @Test
  void longBodiesAreCut() {
    assertInconclusive(
            PrometheusResponses.interpret(TARGET, AT, 500, "x".repeat(10_000)), Cause.HTTP_ERROR)
        .hasSizeLessThan(300)
        .endsWith("…");
  }

  @Test
  void unauthorizedAndForbiddenSayTheTokenWasRefused() {
    assertInconclusive(
            PrometheusResponses.interpret(WITH_TOKEN, AT, 401, "Unauthorized"), Cause.HTTP_ERROR)
        .isEqualTo("Prometheus at http://prom:9090 refused the bearer token (HTTP 401)");
    assertInconclusive(
            PrometheusResponses.interpret(WITH_TOKEN, AT, 403, "{\"status\":\"error\"}"),
            Cause.HTTP_ERROR)
        .isEqualTo("Prometheus at http://prom:9090 refused the bearer token (HTTP 403)")
        .doesNotContain("secret-token");
  }

  @Test
  void unauthorizedWithoutATokenSaysNoneIsConfigured() {
    assertInconclusive(PrometheusResponses.interpret(TARGET, AT, 401, ""), Cause.HTTP_ERROR)
        .contains("HTTP 401")
        .contains("no bearer token is configured");
  }

  @Test
  void successStatusWithSomethingElseThanPrometheusIsABadResponse() {
    assertInconclusive(
            PrometheusResponses.interpret(TARGET, AT, 200, "<!doctype html><title>Grafana</title>"),
            Cause.BAD_RESPONSE)
        .contains("not a Prometheus API response")
        .contains("Grafana");
    assertInconclusive(PrometheusResponses.interpret(TARGET, AT, 200, "[1,2]"), Cause.BAD_RESPONSE);
    assertInconclusive(PrometheusResponses.interpret(TARGET, AT, 204, null), Cause.BAD_RESPONSE);
  }

  @Test
  void malformedShapesNeverThrow() {
    for (String data :
        new String[] {
          "{\"resultType\":\"vector\",\"result\":{}}",
          "{\"resultType\":\"vector\",\"result\":[{}]}",
          "{\"resultType\":\"vector\",\"result\":[{\"value\":[1]}]}",
          "{\"resultType\":\"scalar\",\"result\":\"1\"}",
          "{\"resultType\":\"vector\",\"result\":[\"x\",\"y\"]}",
          "7"
        }) {
      assertThat(ok(data))
          .as(data)
          .isInstanceOfSatisfying(
              Inconclusive.class,
              m -> assertThat(m.cause()).isIn(Cause.BAD_RESPONSE, Cause.TOO_MANY_SERIES));
    }
  }

  private static Measurement ok(String data) {
    return PrometheusResponses.interpret(
        TARGET, AT, 200, "{\"status\":\"success\",\"data\":" + data + "}");
  }

  private static String vector(String... series) {
    return "{\"resultType\":\"vector\",\"result\":[" + String.join(",", series) + "]}";
  }

  private static String series(String labels, String value) {
    return "{\"metric\":" + labels + ",\"value\":[1795575600.25,\"" + value + "\"]}";
  }

  private static org.assertj.core.api.AbstractStringAssert<?> assertInconclusive(
      Measurement measurement, Cause cause) {
    assertThat(measurement).isInstanceOf(Inconclusive.class);
    Inconclusive inconclusive = (Inconclusive) measurement;
    assertThat(inconclusive.at()).isEqualTo(AT);
    assertThat(inconclusive.cause()).as(inconclusive.reason()).isEqualTo(cause);
    return assertThat(inconclusive.reason());
  }
}
