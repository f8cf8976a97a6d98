package dev.rollguard.operator.measure.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rollguard.operator.measure.prometheus.Measurement.Cause;
import dev.rollguard.operator.measure.prometheus.Measurement.Inconclusive;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Failures shaped as the JDK 17 HttpClient reports them, e.g. a refused connection as a
 * ConnectException without message.
 */
class TransportFailuresTest {

  private static final Instant AT = Instant.parse("2026-11-25T03:00:00Z");
  private static final QueryTarget TARGET =
      QueryTarget.of(URI.create("http://prom.monitoring:9090"), Duration.ofSeconds(5));

  @Test
  void refusedConnectionWithoutMessageSaysConnectionRefused() {
    ConnectException refused = new ConnectException();
    refused.initCause(new ClosedChannelException());

    assertThat(inconclusive(new CompletionException(refused)))
        .isEqualTo(
            new Inconclusive(
                AT,
                Cause.UNREACHABLE,
                "Prometheus at http://prom.monitoring:9090 is unreachable: Connection refused"));
  }

  @Test
  void unresolvableHostSaysUnknownHost() {
    ConnectException unresolved = new ConnectException();
    unresolved.initCause(new UnresolvedAddressException());

    assertThat(inconclusive(new CompletionException(unresolved)).reason())
        .isEqualTo(
            "Prometheus at http://prom.monitoring:9090 is unreachable: unknown host prom.monitoring");
  }

  @Test
  void otherIoFailuresKeepTheirMessage() {
    assertThat(inconclusive(new CompletionException(new IOException("Connection reset"))))
        .isEqualTo(
            new Inconclusive(
                AT,
                Cause.UNREACHABLE,
                "Prometheus at http://prom.monitoring:9090 is unreachable: Connection reset"));
  }

  @Test
  void requestTimeoutConnectTimeoutAndDeadlineAreTimeouts() {
    for (Throwable slow :
        new Throwable[] {
          new HttpTimeoutException("request timed out"),
          new HttpConnectTimeoutException("HTTP connect timed out"),
          new TimeoutException()
        }) {
      assertThat(inconclusive(new CompletionException(slow)))
          .isEqualTo(
              new Inconclusive(
                  AT,
                  Cause.TIMEOUT,
                  "Prometheus at http://prom.monitoring:9090 gave no answer within 5s"));
    }
  }

  @Test
  void requestThatCannotBeBuiltSaysWhy() {
    assertThat(inconclusive(new IllegalArgumentException("invalid URI scheme ftp")))
        .isEqualTo(
            new Inconclusive(
                AT,
                Cause.UNREACHABLE,
                "cannot query Prometheus at http://prom.monitoring:9090: invalid URI scheme ftp"));
  }

  private static Inconclusive inconclusive(Throwable failure) {
    return TransportFailures.inconclusive(failure, TARGET, AT);
  }
}
