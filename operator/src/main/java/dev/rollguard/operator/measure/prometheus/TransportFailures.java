package dev.rollguard.operator.measure.prometheus;

import dev.rollguard.operator.measure.prometheus.Measurement.Cause;
import dev.rollguard.operator.measure.prometheus.Measurement.Inconclusive;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Instant;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns a query that got no answer (refused, unresolvable, too slow, unsendable) into a
 * measurement.
 */
final class TransportFailures {

  private TransportFailures() {}

  static Inconclusive inconclusive(Throwable failure, QueryTarget target, Instant at) {
    Throwable cause = unwrap(failure);
    String where = "Prometheus at " + Wording.address(target.address());
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return new Inconclusive(
          at,
          Cause.TIMEOUT,
          where + " gave no answer within " + Wording.duration(target.timeout()));
    }
    if (isUnknownHost(cause)) {
      return new Inconclusive(
          at,
          Cause.UNREACHABLE,
          where + " is unreachable: unknown host " + target.address().getHost());
    }
    if (cause instanceof RuntimeException) {
      // Thrown while building the request (an unusable address, token or timeout): nothing was
      // sent.
      return new Inconclusive(
          at, Cause.UNREACHABLE, "cannot query " + where + ": " + describe(cause));
    }
    return new Inconclusive(at, Cause.UNREACHABLE, where + " is unreachable: " + describe(cause));
  }

  /** What went wrong, in the words a person would search for. */
  private static String describe(Throwable cause) {
    String message = firstMessage(cause);
    if (message != null) {
      return message;
    }
    // The JDK 17 HttpClient reports a refused connection as a ConnectException without a
    // message (its cause is a bare ClosedChannelException), so say what it means.
    return cause instanceof ConnectException
        ? "Connection refused"
        : cause.getClass().getSimpleName();
  }

  private static boolean isUnknownHost(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return true;
      }
    }
    return false;
  }

  private static String firstMessage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        return t.getMessage();
      }
    }
    return null;
  }

  /** Futures wrap the real failure; the reason should name the real one. */
  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
