package dev.rollguard.bench;

import java.util.NavigableMap;
import java.util.TreeMap;

/** A Prometheus text exposition, read just enough to sum series and collect histogram buckets. */
final class MetricsText {

  private final String text;

  MetricsText(String text) {
    this.text = text;
  }

  /** Sum of the samples of {@code name} whose labels contain {@code labelFragment} ("" for all). */
  double sum(String name, String labelFragment) {
    double sum = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      if (series.contains(labelFragment)) {
        sum += Double.parseDouble(line.substring(space + 1));
      }
    }
    return sum;
  }

  /** Cumulative bucket counts of a histogram without other labels: upper bound → count. */
  NavigableMap<Double, Double> buckets(String histogram) {
    NavigableMap<Double, Double> buckets = new TreeMap<>();
    String prefix = histogram + "_bucket{le=\"";
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix)) {
        String bound = line.substring(prefix.length(), line.indexOf('"', prefix.length()));
        double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
        buckets.put(upper, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return buckets;
  }

  /** Bucket counts of {@code later} minus those of {@code earlier}: what happened in between. */
  static NavigableMap<Double, Double> difference(
      NavigableMap<Double, Double> later, NavigableMap<Double, Double> earlier) {
    NavigableMap<Double, Double> delta = new TreeMap<>();
    later.forEach((bound, count) -> delta.put(bound, count - earlier.getOrDefault(bound, 0.0)));
    return delta;
  }
}
