package dev.rollguard.operator.measure.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrometheusRequestsTest {

  private static final Instant AT = Instant.parse("2026-11-25T03:00:00.250Z");

  @Test
  void queryAndExplicitTimeInUnixSecondsWithMillis() {
    URI uri =
        PrometheusRequests.instantQueryUri(
            URI.create("http://prom:9090"), "sum(rate(x{a=\"b\"}[5m])) > 0", AT);

    assertThat(uri.getPath()).isEqualTo("/api/v1/query");
    assertThat(uri.getQuery()).isEqualTo("query=sum(rate(x{a=\"b\"}[5m])) > 0&time=1795575600.250");
    assertThat(uri.getRawQuery())
        .startsWith("query=sum%28rate%28x%7Ba%3D%22b%22%7D%5B5m%5D%29%29%20%3E%200&");
  }

  @Test
  void pathPrefixIsKeptWithOrWithoutTrailingSlash() {
    assertThat(
            PrometheusRequests.instantQueryUri(URI.create("http://host:9090/prometheus"), "up", AT)
                .getPath())
        .isEqualTo("/prometheus/api/v1/query");
    assertThat(PrometheusRequests.instantQueryUri(URI.create("https://host/prometheus/"), "up", AT))
        .hasToString("https://host/prometheus/api/v1/query?query=up&time=1795575600.250");
  }

  @Test
  void wholeSecondsStillCarryMillis() {
    assertThat(PrometheusRequests.unixSeconds(Instant.ofEpochSecond(1_700_000_000)))
        .isEqualTo("1700000000.000");
    assertThat(PrometheusRequests.unixSeconds(Instant.ofEpochSecond(1_700_000_000, 123_999_999)))
        .isEqualTo("1700000000.123");
  }

  @Test
  void timeoutAndBearerTokenGoOnTheRequest() {
    HttpRequest request =
        PrometheusRequests.instantQuery(
            new QueryTarget(
                URI.create("http://prom:9090"), Duration.ofSeconds(3), Optional.of("abc.def\n")),
            "up",
            AT);

    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.timeout()).contains(Duration.ofSeconds(3));
    assertThat(request.headers().firstValue("Authorization")).contains("Bearer abc.def");
  }

  @Test
  void noTokenNoAuthorizationHeader() {
    HttpRequest request =
        PrometheusRequests.instantQuery(
            new QueryTarget(
                URI.create("http://prom:9090"), Duration.ofSeconds(3), Optional.of("  ")),
            "up",
            AT);

    assertThat(request.headers().firstValue("Authorization")).isEmpty();
  }

  @Test
  void tokenAnHttpHeaderCannotCarryIsRefusedWithoutQuotingIt() {
    QueryTarget target =
        new QueryTarget(
            URI.create("http://prom:9090"), Duration.ofSeconds(3), Optional.of("sec\nret"));

    assertThatThrownBy(() -> PrometheusRequests.instantQuery(target, "up", AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("sec")
        .hasMessageContaining("bearer token");
  }

  @Test
  void targetNeverPrintsTheTokenOrAPassword() {
    QueryTarget target =
        new QueryTarget(
            URI.create("http://admin:pw@prom:9090/x"),
            Duration.ofMillis(1500),
            Optional.of("t0ken"));

    assertThat(target.toString())
        .isEqualTo("QueryTarget[address=http://prom:9090/x, timeout=1.5s, bearerToken=<redacted>]");
  }

  @Test
  void durationsReadAsUsersWriteThem() {
    assertThat(Wording.duration(Duration.ofSeconds(5))).isEqualTo("5s");
    assertThat(Wording.duration(Duration.ofMillis(500))).isEqualTo("500ms");
    assertThat(Wording.duration(Duration.ofMillis(2250))).isEqualTo("2.25s");
    assertThat(Wording.duration(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(Wording.duration(Duration.ofSeconds(90))).isEqualTo("1m30s");
  }
}
