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

  /**
   * Sums of the samples of {@code name} grouped by the values of {@code labels} (joined by a space,
   * "" for a label a series does not have): a counter broken down by some of its labels.
   */
  java.util.Map<String, Double> sumBy(String name, String... labels) {
    return sumBy(
        name,
        values -> {
          StringBuilder key = new StringBuilder();
          for (String label : labels) {
            key.append(key.length() == 0 ? "" : " ").append(values.getOrDefault(label, ""));
          }
          return key.toString();
        });
  }

  /** Sums of the samples of {@code name} grouped by a key made from each series' labels. */
  java.util.Map<String, Double> sumBy(
      String name, java.util.function.Function<java.util.Map<String, String>, String> key) {
    java.util.Map<String, Double> sums = new java.util.TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      java.util.Map<String, String> values = labels(line.substring(name.length(), space));
      sums.merge(key.apply(values), Double.parseDouble(line.substring(space + 1)), Double::sum);
    }
    return sums;
  }

  /** The labels of a series, from its "{a="x",b="y"}" part (empty without one). */
  static java.util.Map<String, String> labels(String braces) {
    java.util.Map<String, String> labels = new java.util.HashMap<>();
    String body = braces.strip();
    if (!body.startsWith("{")) {
      return labels;
    }
    int i = 1;
    while (i < body.length()) {
      int eq = body.indexOf('=', i);
      if (eq < 0 || body.charAt(eq + 1) != '"') {
        break;
      }
      String key = body.substring(i, eq).strip();
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      for (; j < body.length() && body.charAt(j) != '"'; j++) {
        char c = body.charAt(j);
        if (c == '\\' && j + 1 < body.length()) {
          char next = body.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
      }
      labels.put(key, value.toString());
      i = j + 1;
      while (i < body.length() && (body.charAt(i) == ',' || body.charAt(i) == ' ')) {
        i++;
      }
      if (i < body.length() && body.charAt(i) == '}') {
        break;
      }
    }
    return labels;
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
