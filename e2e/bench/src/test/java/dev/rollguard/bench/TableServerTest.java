package dev.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TableServerTest {

  private final MetricTable table = new MetricTable();
  private final TableServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  TableServerTest() throws Exception {
    server = new TableServer(table, () -> List.of("app-1", "app-2"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void answersAnInstantQueryAtItsEvaluationTimeLikePrometheus() throws Exception {
    table.breachFrom("app-1", 2_000_000);

    String before = query("max(bench_db_connections{deployment=\"app-1\"})", "1999.500");
    String after = query("max(bench_db_connections{deployment=\"app-1\"})", "2000.000");

    assertThat(before)
        .startsWith("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{")
        .contains("\"value\":[1999.500,\"");
    assertThat(valueIn(before)).isLessThan(MetricTable.CONNECTIONS_LIMIT);
    assertThat(after).contains("\"value\":[2000.000,\"");
    assertThat(valueIn(after)).isGreaterThan(MetricTable.CONNECTIONS_LIMIT);
    assertThat(server.queries()).isEqualTo(2);
  }

  @Test
  void answersAQueryPostedAsAFormBodyAsGoPrometheusClientsSendIt() throws Exception {
    table.breachFrom("app-1", 2_000_000);
    String form =
        "query="
            + URLEncoder.encode(
                "max(bench_db_connections{deployment=\"app-1\"})", StandardCharsets.UTF_8)
            + "&time=2000.500";

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/v1/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"value\":[2000.500,\"");
    assertThat(valueIn(response.body())).isGreaterThan(MetricTable.CONNECTIONS_LIMIT);
  }

  @Test
  void aPostWithoutAFormBodyIsBadData() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/api/v1/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(400);
  }

  @Test
  void logsQueriesPerDeploymentAndWhenBreachingMeasurementsWereAnswered() throws Exception {
    long start = System.currentTimeMillis();
    table.breachFrom("app-1", start - 60_000);
    String connections = "max(bench_db_connections{deployment=\"app-1\"})";

    query(connections, seconds(start - 120_000)); // about the past, before the breach: normal
    query("max(bench_error_ratio{deployment=\"app-1\"})", seconds(System.currentTimeMillis()));
    query(connections, seconds(System.currentTimeMillis())); // a breaching measurement
    long between = System.currentTimeMillis();
    // The next answer must be stamped after `between`: wait for the clock to move on.
    while (System.currentTimeMillis() <= between) {
      Thread.onSpinWait();
    }
    query(connections, seconds(System.currentTimeMillis()));
    long end = System.currentTimeMillis();
    query("max(bench_db_connections{deployment=\"app-2\"})", seconds(end));

    QueryLog log = server.log();
    assertThat(log.counts()).containsEntry("app-1", 4L).containsEntry("app-2", 1L);
    assertThat(log.firstBreachingAnswer("app-1").getAsLong()).isBetween(start, between);
    assertThat(log.lastBreachingAnswerUntil("app-1", end).getAsLong()).isGreaterThan(between);
    assertThat(log.lastBreachingAnswerUntil("app-1", between).getAsLong())
        .isEqualTo(log.firstBreachingAnswer("app-1").getAsLong());
    assertThat(log.firstBreachingAnswer("app-2")).isEmpty();
    assertThat(log.maxMeasurementLagMillis()).isLessThan(QueryLog.PAST_MILLIS);

    log.resetBreaches("app-1");
    assertThat(log.firstBreachingAnswer("app-1")).isEmpty();
    assertThat(log.counts()).containsEntry("app-1", 4L);

    // A breaching answer about the past (a baseline looks 1 s back) is counted, not logged.
    query(connections, seconds(System.currentTimeMillis() - 1_000));
    assertThat(log.firstBreachingAnswer("app-1")).isEmpty();
    assertThat(log.pastBreachingAnswers("app-1")).isEqualTo(1);
    query(connections, seconds(System.currentTimeMillis()));
    assertThat(log.firstBreachingAnswer("app-1")).isPresent();
    assertThat(log.counts()).containsEntry("app-1", 6L);
  }

  private static String seconds(long millis) {
    return String.format("%d.%03d", millis / 1000, millis % 1000);
  }

  @Test
  void aQueryWithoutABenchMetricIsBadData() throws Exception {
    var response = get("/api/v1/query?query=" + URLEncoder.encode("up", StandardCharsets.UTF_8));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("bad_data");
  }

  @Test
  void exposesEveryDeploymentsCurrentValuesForARealPrometheus() throws Exception {
    String page = get("/metrics").body();
    assertThat(page)
        .contains(
            "# TYPE bench_db_connections gauge",
            "bench_db_connections{deployment=\"app-2\"} ",
            "bench_error_ratio{deployment=\"app-1\"} ");
  }

  /** The sample value of a one-sample vector answer. */
  private static double valueIn(String answer) {
    int end = answer.lastIndexOf("\"]");
    return Double.parseDouble(answer.substring(answer.lastIndexOf(",\"", end) + 2, end));
  }

  private String query(String promql, String time) throws Exception {
    return get("/api/v1/query?query="
            + URLEncoder.encode(promql, StandardCharsets.UTF_8).replace("+", "%20")
            + "&time="
            + time)
        .body();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
