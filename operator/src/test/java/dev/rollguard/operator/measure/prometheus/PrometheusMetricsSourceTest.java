package dev.rollguard.operator.measure.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rollguard.operator.measure.prometheus.Measurement.Cause;
import dev.rollguard.operator.measure.prometheus.Measurement.Inconclusive;
import dev.rollguard.operator.measure.prometheus.Measurement.Value;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP side against small local servers: what is sent, and how a server that refuses, stalls or
 * is not there at all becomes an inconclusive measurement. Prometheus' own answers are in {@link
 * PrometheusMetricsSourceIT}.
 */
class PrometheusMetricsSourceTest {

  private static final Instant AT = Instant.parse("2026-11-25T03:00:00.250Z");
  private static final String ONE_SAMPLE =
      "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"7\"]}]}}";

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> outcomes = new CopyOnWriteArrayList<>();
  private final List<Duration> durations = new CopyOnWriteArrayList<>();
  private final PrometheusMetricsSource source =
      new PrometheusMetricsSource(
          http,
          (duration, outcome) -> {
            durations.add(duration);
            outcomes.add(outcome);
          });
  private final List<AutoCloseable> servers = new CopyOnWriteArrayList<>();

  @AfterEach
  void stopServers() throws Exception {
    for (AutoCloseable server : servers) {
      server.close();
    }
  }

  @Test
  void sendsTheBearerTokenToThePathPrefixWithAnExplicitTime() throws Exception {
    AtomicReference<HttpExchange> seen = new AtomicReference<>();
    URI address =
        serve(
                exchange -> {
                  seen.set(exchange);
                  respond(exchange, 200, ONE_SAMPLE);
                })
            .resolve("/prometheus");

    Measurement measurement =
        measure(new QueryTarget(address, Duration.ofSeconds(5), Optional.of("s3cr3t")), "sum(up)");

    assertThat(measurement).isEqualTo(new Value(AT, 7));
    assertThat(seen.get().getRequestMethod()).isEqualTo("GET");
    assertThat(seen.get().getRequestURI().getPath()).isEqualTo("/prometheus/api/v1/query");
    assertThat(seen.get().getRequestURI().getQuery())
        .isEqualTo("query=sum(up)&time=1795575600.250");
    assertThat(seen.get().getRequestHeaders().getFirst("Authorization")).isEqualTo("Bearer s3cr3t");
    assertThat(outcomes).containsExactly("value");
  }

  @Test
  void withoutATokenNoAuthorizationIsSent() throws Exception {
    AtomicReference<HttpExchange> seen = new AtomicReference<>();
    URI address =
        serve(
            exchange -> {
              seen.set(exchange);
              respond(exchange, 200, ONE_SAMPLE);
            });

    assertThat(measure(QueryTarget.of(address, Duration.ofSeconds(5)), "up"))
        .isInstanceOf(Value.class);
    assertThat(seen.get().getRequestHeaders().containsKey("Authorization")).isFalse();
  }

  @Test
  void refusedTokenIsAnHttpError() throws Exception {
    URI address = serve(exchange -> respond(exchange, 401, "Unauthorized"));

    Measurement measurement =
        measure(new QueryTarget(address, Duration.ofSeconds(5), Optional.of("expired")), "up");

    assertThat(measurement)
        .isEqualTo(
            new Inconclusive(
                AT,
                Cause.HTTP_ERROR,
                "Prometheus at " + address + " refused the bearer token (HTTP 401)"));
    assertThat(outcomes).containsExactly("http_error");
  }

  @Test
  void freePortWithNothingListeningIsUnreachable() throws Exception {
    URI address = URI.create("http://127.0.0.1:" + freePort());

    Measurement measurement = measure(QueryTarget.of(address, Duration.ofSeconds(5)), "up");

    assertThat(measurement)
        .isEqualTo(
            new Inconclusive(
                AT,
                Cause.UNREACHABLE,
                "Prometheus at " + address + " is unreachable: Connection refused"));
    assertThat(outcomes).containsExactly("unreachable");
  }

  @Test
  void serverThatNeverAnswersIsATimeoutWithinTheTimeout() throws Exception {
    // The kernel accepts connections into the backlog; nobody ever reads or answers them.
    ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    servers.add(silent);
    URI address = URI.create("http://127.0.0.1:" + silent.getLocalPort());

    long started = System.nanoTime();
    Measurement measurement = measure(QueryTarget.of(address, Duration.ofMillis(500)), "up");
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(measurement)
        .isEqualTo(
            new Inconclusive(
                AT, Cause.TIMEOUT, "Prometheus at " + address + " gave no answer within 500ms"));
    assertThat(took).isBetween(Duration.ofMillis(450), Duration.ofSeconds(3));
    assertThat(outcomes).containsExactly("timeout");
  }

  @Test
  void serverThatStallsInTheMiddleOfTheBodyIsATimeoutToo() throws Exception {
    URI address =
        serve(
            exchange -> {
              exchange.sendResponseHeaders(200, 10_000);
              exchange.getResponseBody().write("{\"status\":".getBytes(StandardCharsets.UTF_8));
              exchange.getResponseBody().flush();
              // ...and never the rest: the handler returns with the exchange open.
            });

    long started = System.nanoTime();
    Measurement measurement = measure(QueryTarget.of(address, Duration.ofMillis(500)), "up");

    assertThat(measurement)
        .isInstanceOfSatisfying(
            Inconclusive.class, m -> assertThat(m.cause()).isEqualTo(Cause.TIMEOUT));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void unusableAddressOrTimeoutCompletesInsteadOfThrowing() throws Exception {
    Measurement ftp =
        measure(QueryTarget.of(URI.create("ftp://prom:21"), Duration.ofSeconds(5)), "up");
    Measurement zero =
        measure(QueryTarget.of(URI.create("http://127.0.0.1:1"), Duration.ZERO), "up");

    assertThat(ftp)
        .isInstanceOfSatisfying(
            Inconclusive.class,
            m ->
                assertThat(m.reason())
                    .isEqualTo("cannot query Prometheus at ftp://prom:21: invalid URI scheme ftp"));
    assertThat(zero)
        .isInstanceOfSatisfying(
            Inconclusive.class, m -> assertThat(m.cause()).isEqualTo(Cause.UNREACHABLE));
    assertThat(outcomes).containsExactly("unreachable", "unreachable");
  }

  @Test
  void failingObserverDoesNotCostTheMeasurement() throws Exception {
    URI address = serve(exchange -> respond(exchange, 200, ONE_SAMPLE));
    PrometheusMetricsSource withBrokenObserver =
        new PrometheusMetricsSource(
            http,
            (duration, outcome) -> {
              throw new IllegalStateException("registry closed");
            });

    CompletableFuture<Measurement> measurement =
        withBrokenObserver.instant(QueryTarget.of(address, Duration.ofSeconds(5)), "up", AT);

    assertThat(measurement.get(10, TimeUnit.SECONDS)).isEqualTo(new Value(AT, 7));
  }

  private Measurement measure(QueryTarget target, String promql) throws Exception {
    CompletableFuture<Measurement> future = source.instant(target, promql, AT);
    // Bounded well above every timeout used here; the future itself must never fail.
    Measurement measurement = future.get(10, TimeUnit.SECONDS);
    assertThat(durations).allSatisfy(d -> assertThat(d).isPositive());
    return measurement;
  }

  private URI serve(Handler handler) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", handler::handle);
    server.start();
    servers.add(() -> server.stop(0));
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }
}
