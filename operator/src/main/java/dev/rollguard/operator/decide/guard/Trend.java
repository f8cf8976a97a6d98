package dev.rollguard.operator.decide.guard;

import dev.rollguard.operator.measure.prometheus.Series;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A least-squares line through a guard's recent values: how fast it rises, where it is now, and how
 * sure that is ({@code tStatistic}: the slope in units of its standard error, large for a steady
 * climb, small for noise around a level).
 */
public record Trend(double perSecond, double now, double tStatistic, int points, Duration span) {

  static final int MIN_POINTS = 5;

  public static Optional<Trend> fit(List<Series.Point> points) {
    int n = points.size();
    if (n < MIN_POINTS) {
      return Optional.empty();
    }
    long origin = points.get(0).at().toEpochMilli();
    double sumX = 0;
    double sumY = 0;
    for (Series.Point p : points) {
      sumX += (p.at().toEpochMilli() - origin) / 1000.0;
      sumY += p.value();
    }
    double meanX = sumX / n;
    double meanY = sumY / n;
    double sxx = 0;
    double sxy = 0;
    for (Series.Point p : points) {
      double dx = (p.at().toEpochMilli() - origin) / 1000.0 - meanX;
      sxx += dx * dx;
      sxy += dx * (p.value() - meanY);
    }
    if (sxx == 0) {
      return Optional.empty();
    }
    double slope = sxy / sxx;
    double intercept = meanY - slope * meanX;
    double residuals = 0;
    for (Series.Point p : points) {
      double x = (p.at().toEpochMilli() - origin) / 1000.0;
      double r = p.value() - (intercept + slope * x);
      residuals += r * r;
    }
    double standardError = Math.sqrt(residuals / (n - 2) / sxx);
    double t =
        standardError == 0 ? (slope == 0 ? 0 : Double.POSITIVE_INFINITY) : slope / standardError;
    double lastX = (points.get(n - 1).at().toEpochMilli() - origin) / 1000.0;
    return Optional.of(
        new Trend(
            slope,
            intercept + slope * lastX,
            t,
            n,
            Duration.ofMillis(points.get(n - 1).at().toEpochMilli() - origin)));
  }

  /** When the line reaches {@code limit}; empty when it is flat, falling or not significant. */
  public Optional<Duration> timeTo(double limit, double minimumTStatistic) {
    if (now >= limit) {
      return Optional.of(Duration.ZERO);
    }
    if (perSecond <= 0 || tStatistic < minimumTStatistic) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis(Math.round((limit - now) / perSecond * 1000)));
  }
}
