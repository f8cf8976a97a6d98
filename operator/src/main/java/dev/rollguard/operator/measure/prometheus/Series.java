package dev.rollguard.operator.measure.prometheus;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The values of a guard's query over a window, oldest first, or why there are none. */
public record Series(List<Point> points, Optional<Measurement.Inconclusive> failure) {

  public record Point(Instant at, double value) {}

  public static Series of(List<Point> points) {
    return new Series(List.copyOf(points), Optional.empty());
  }

  public static Series failed(Measurement.Inconclusive why) {
    return new Series(List.of(), Optional.of(why));
  }
}
