package dev.rollguard.operator.measure.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.rollguard.operator.measure.prometheus.Measurement.Cause;
import dev.rollguard.operator.measure.prometheus.Measurement.Inconclusive;
import dev.rollguard.operator.measure.prometheus.Measurement.Value;
import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real Prometheus that scrapes an exporter this test serves, every second. */
@LocalPlatform(prometheus = true)
class PrometheusMetricsSourceIT {

  private static final String JOB = "metrics_source_test";
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Sample lines the exporter serves, e.g. {@code rollguard_it_value 42}, by series. */
  private static final Map<String, Double> SERVED = new ConcurrentHashMap<>();

  /** When the exporter last rendered its page, and with which values. */
  private static volatile Instant lastRenderedAt = Instant.EPOCH;

  private static volatile Map<String, Double> lastRendered = Map.of();
  private static HttpServer exporter;

  private final List<String> outcomes = new CopyOnWriteArrayList<>();
  private final MetricsSource source =
      new PrometheusMetricsSource(
          HttpClient.newHttpClient(), (duration, outcome) -> outcomes.add(outcome));

  @BeforeAll
  static void serveAndScrape(Platform platform) throws IOException {
    exporter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    exporter.createContext(
        "/metrics",
        exchange -> {
          Map<String, Double> values = Map.copyOf(SERVED);
          byte[] body =
              values.entrySet().stream()
                  .map(e -> e.getKey() + " " + e.getValue() + "\n")
                  .collect(Collectors.joining())
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
          lastRendered = values;
          lastRenderedAt = Instant.now();
        });
    exporter.start();
    platform.addScrapeTarget(
        JOB, "127.0.0.1:" + exporter.getAddress().getPort(), Map.of("job", JOB));
  }

  @AfterAll
  static void stopServing(Platform platform) {
    platform.removeScrapeTarget(JOB);
    exporter.stop(0);
  }

  @Test
  void valueOfAServedTarget(Platform platform) {
    SERVED.put("rollguard_it_connections{pool=\"main\"}", 42.0);

    Measurement measurement =
        awaitMeasurement(
            platform,
            "sum(rollguard_it_connections{job=\"" + JOB + "\"})",
            m -> m instanceof Value);

    assertThat(measurement)
        .isInstanceOfSatisfying(Value.class, v -> assertThat(v.value()).isEqualTo(42.0));
    assertThat(outcomes).last().isEqualTo("value");
  }

  @Test
  void queryAtAnExplicitPastTimeReturnsTheValueAsOfThatTime(Platform platform) {
    String query = "rollguard_it_errors{job=\"" + JOB + "\"}";
    SERVED.put("rollguard_it_errors", 1.0);
    awaitValue(platform, query, 1.0);

    // A scrape that rendered 1: its sample is stamped with the scrape's start, just before this
    // time, and the next scrape starts a whole interval (1s) later.
    Instant whenItWasOne = lastRenderedAt;
    assertThat(lastRendered).containsEntry("rollguard_it_errors", 1.0);
    SERVED.put("rollguard_it_errors", 2.0);
    awaitValue(platform, query, 2.0);

    Measurement past = measure(platform, query, whenItWasOne.plusMillis(300));
    assertThat(past).isEqualTo(new Value(whenItWasOne.plusMillis(300), 1.0));
  }

  @Test
  void emptyResultIsNoData(Platform platform) {
    Instant now = Instant.now();

    assertThat(measure(platform, "rollguard_it_never_served{job=\"" + JOB + "\"}", now))
        .isEqualTo(new Inconclusive(now, Cause.NO_DATA, "query returned no data"));
    assertThat(outcomes).containsExactly("no_data");
  }

  @Test
  void syntaxErrorIsAQueryErrorWithPrometheusMessage(Platform platform) {
    Measurement measurement = measure(platform, "sum(rate(rollguard_it_errors[5m])", Instant.now());

    assertThat(measurement)
        .isInstanceOfSatisfying(
            Inconclusive.class,
            m -> {
              assertThat(m.cause()).isEqualTo(Cause.QUERY_ERROR);
              assertThat(m.reason())
                  .startsWith("Prometheus could not run the query: bad_data: ")
                  .contains("parse error");
            });
    assertThat(outcomes).containsExactly("query_error");
  }

  @Test
  void severalSeriesAreTooManyAndNamed(Platform platform) {
    SERVED.put("rollguard_it_requests{path=\"/a\"}", 1.0);
    SERVED.put("rollguard_it_requests{path=\"/b\"}", 2.0);

    Measurement measurement =
        awaitMeasurement(
            platform,
            "rollguard_it_requests{job=\"" + JOB + "\"}",
            m -> m instanceof Inconclusive i && i.cause() == Cause.TOO_MANY_SERIES);

    assertThat(((Inconclusive) measurement).reason())
        .startsWith(
            "query returned 2 series, but a guard query must aggregate to one number (e.g. wrap it in sum(...))")
        .contains("path=\"/a\"")
        .contains("path=\"/b\"")
        .contains("rollguard_it_requests{");
  }

  private void awaitValue(Platform platform, String query, double expected) {
    awaitMeasurement(platform, query, m -> m instanceof Value v && v.value() == expected);
  }

  private Measurement awaitMeasurement(
      Platform platform, String query, java.util.function.Predicate<Measurement> done) {
    return await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> measure(platform, query, Instant.now()), done::test);
  }

  private Measurement measure(Platform platform, String query, Instant at) {
    QueryTarget target = QueryTarget.of(platform.prometheusUrl(), Duration.ofSeconds(5));
    try {
      return source.instant(target, query, at).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the measurement future must complete normally", e);
    }
  }
}
