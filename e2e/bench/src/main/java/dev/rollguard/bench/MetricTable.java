package dev.rollguard.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The values the benchmark's metrics endpoint answers with: per Deployment, a normal level, and a
 * breach window [deploy, rollback) for the Deployments whose new image is meant to breach. Answers
 * depend on the query's evaluation time, so a baseline taken "just before the deploy" sees the
 * normal level even if it is evaluated after the breach began.
 */
final class MetricTable {

  static final String CONNECTIONS = "bench_db_connections";
  static final String ERRORS = "bench_error_ratio";
  static final double CONNECTIONS_LIMIT = 50;
  static final double ERRORS_LIMIT = 0.05;

  private record Window(long fromMillis, long untilMillis) {
    boolean covers(long atMillis) {
      return atMillis >= fromMillis && atMillis < untilMillis;
    }
  }

  private final Map<String, Window> breaches = new ConcurrentHashMap<>();

  /** From {@code fromMillis} on, {@code deployment}'s connections run over the limit. */
  void breachFrom(String deployment, long fromMillis) {
    breaches.put(deployment, new Window(fromMillis, Long.MAX_VALUE));
  }

  /** The breach ends (the Deployment was rolled back). */
  void breachUntil(String deployment, long untilMillis) {
    breaches.computeIfPresent(
        deployment, (name, window) -> new Window(window.fromMillis, untilMillis));
  }

  boolean breaching(String deployment, long atMillis) {
    Window window = breaches.get(deployment);
    return window != null && window.covers(atMillis);
  }

  /** The value of {@code metric} for {@code deployment} at a time; NaN for an unknown metric. */
  double value(String metric, String deployment, long atMillis) {
    // A steady level that differs a little between Deployments, never near the limits.
    int spread = Math.floorMod(deployment.hashCode(), 5);
    return switch (metric) {
      case CONNECTIONS -> breaching(deployment, atMillis) ? CONNECTIONS_LIMIT + 30 : 18 + spread;
      case ERRORS -> 0.005 + spread * 0.001;
      default -> Double.NaN;
    };
  }
}
