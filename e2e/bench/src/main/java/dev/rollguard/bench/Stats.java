package dev.rollguard.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;

/** The little statistics the benchmark needs: percentiles, histogram quantiles, a trend slope. */
final class Stats {

  private Stats() {}

  /** Nearest-rank percentile (q in 0..1) of the samples; NaN when there are none. */
  static double percentile(List<Double> samples, double q) {
    if (samples.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /**
   * The q-quantile of a classic histogram given as upper bound → cumulative count (the last bound
   * +Inf), interpolated linearly inside the bucket, as PromQL's histogram_quantile does. A quantile
   * in the +Inf bucket is reported as the highest finite bound.
   */
  static double histogramQuantile(NavigableMap<Double, Double> cumulative, double q) {
    if (cumulative.isEmpty()) {
      return Double.NaN;
    }
    double total = cumulative.lastEntry().getValue();
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (var bucket : cumulative.entrySet()) {
      double upper = bucket.getKey();
      double count = bucket.getValue();
      if (count >= rank) {
        if (Double.isInfinite(upper)) {
          return lowerBound;
        }
        double inBucket = count - lowerCount;
        return inBucket <= 0
            ? upper
            : lowerBound + (upper - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = upper;
      lowerCount = count;
    }
    return lowerBound;
  }

  /** Least-squares slope of y over x; NaN with fewer than two distinct x. */
  static double slope(List<Double> xs, List<Double> ys) {
    int n = xs.size();
    if (n < 2 || ys.size() != n) {
      return Double.NaN;
    }
    double meanX = xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double meanY = ys.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < n; i++) {
      sxx += (xs.get(i) - meanX) * (xs.get(i) - meanX);
      sxy += (xs.get(i) - meanX) * (ys.get(i) - meanY);
    }
    return sxx == 0 ? Double.NaN : sxy / sxx;
  }
}
