package dev.rollguard.operator.measure.prometheus;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds the HTTP request of an instant query. Pure, so it can be checked without a server. */
final class PrometheusRequests {

  private PrometheusRequests() {}

  static HttpRequest instantQuery(QueryTarget target, String promql, Instant at) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(instantQueryUri(target.address(), promql, at))
            .timeout(target.timeout())
            .header("Accept", "application/json")
            .GET();
    target
        .bearerToken()
        .ifPresent(token -> request.header("Authorization", "Bearer " + checked(token)));
    return request.build();
  }

  /** {@code {address}/api/v1/query?query=...&time=...}; the address' path prefix is kept. */
  static URI instantQueryUri(URI address, String promql, Instant at) {
    String base = address.toString().replaceAll("/+$", "");
    return URI.create(base + "/api/v1/query?query=" + encode(promql) + "&time=" + unixSeconds(at));
  }

  // URLEncoder writes a space as '+', which only form decoders read back as a space; %20 means
  // a space to every proxy in front of Prometheus too. A literal '+' is already %2B.
  private static String encode(String promql) {
    return URLEncoder.encode(promql, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Unix seconds with milliseconds, e.g. {@code 1700000000.123}, the precision Prometheus keeps.
   */
  static String unixSeconds(Instant at) {
    return BigDecimal.valueOf(at.toEpochMilli(), 3).toPlainString();
  }

  // HttpRequest rejects such a header with a message that quotes it, which would put the
  // token into a status condition; reject it first, without the token.
  private static String checked(String token) {
    if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException(
          "the bearer token contains characters that an HTTP header cannot carry (spaces, line breaks or non-ASCII)");
    }
    return token;
  }
}
