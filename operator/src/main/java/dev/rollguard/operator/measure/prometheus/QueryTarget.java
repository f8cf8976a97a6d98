package dev.rollguard.operator.measure.prometheus;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how to query: Prometheus' base URL (a path prefix such as {@code /prometheus} is kept),
 * the time limit of one query, and an optional bearer token.
 */
public record QueryTarget(URI address, Duration timeout, Optional<String> bearerToken) {

  public QueryTarget {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(timeout, "timeout");
    // Tokens usually come from Secrets created with `echo ... | kubectl create secret`, so a
    // trailing newline is common and would make the Authorization header invalid.
    bearerToken =
        Objects.requireNonNull(bearerToken, "bearerToken")
            .map(String::strip)
            .filter(t -> !t.isEmpty());
  }

  public static QueryTarget of(URI address, Duration timeout) {
    return new QueryTarget(address, timeout, Optional.empty());
  }

  /** Never prints the token: targets end up in logs and exception messages. */
  @Override
  public String toString() {
    return "QueryTarget[address="
        + Wording.address(address)
        + ", timeout="
        + Wording.duration(timeout)
        + ", bearerToken="
        + (bearerToken.isPresent() ? "<redacted>" : "none")
        + "]";
  }
}
