package dev.rollguard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  void percentileIsTheNearestRank() {
    List<Double> samples = List.of(5.0, 1.0, 4.0, 2.0, 3.0);
    assertThat(Stats.percentile(samples, 0.5)).isEqualTo(3.0);
    assertThat(Stats.percentile(samples, 0.99)).isEqualTo(5.0);
    assertThat(Stats.percentile(samples, 0.0)).isEqualTo(1.0);
    assertThat(Stats.percentile(List.of(), 0.5)).isNaN();
  }

  @Test
  void histogramQuantileInterpolatesInsideTheBucketLikePromQL() {
    var buckets = new TreeMap<Double, Double>();
    buckets.put(0.1, 50.0);
    buckets.put(0.5, 90.0);
    buckets.put(1.0, 100.0);
    buckets.put(Double.POSITIVE_INFINITY, 100.0);

    assertThat(Stats.histogramQuantile(buckets, 0.5)).isCloseTo(0.1, within(1e-9));
    // rank 70 lies halfway through the (0.1, 0.5] bucket's 40 observations
    assertThat(Stats.histogramQuantile(buckets, 0.7)).isCloseTo(0.3, within(1e-9));
    assertThat(Stats.histogramQuantile(buckets, 0.99)).isCloseTo(0.95, within(1e-9));
  }

  @Test
  void aQuantileInTheInfiniteBucketIsTheHighestFiniteBound() {
    var buckets = new TreeMap<Double, Double>();
    buckets.put(1.0, 1.0);
    buckets.put(Double.POSITIVE_INFINITY, 10.0);
    assertThat(Stats.histogramQuantile(buckets, 0.99)).isEqualTo(1.0);
  }

  @Test
  void anEmptyHistogramHasNoQuantile() {
    var buckets = new TreeMap<Double, Double>();
    buckets.put(1.0, 0.0);
    buckets.put(Double.POSITIVE_INFINITY, 0.0);
    assertThat(Stats.histogramQuantile(buckets, 0.5)).isNaN();
  }

  @Test
  void slopeIsTheLeastSquaresFit() {
    assertThat(Stats.slope(List.of(0.0, 1.0, 2.0, 3.0), List.of(10.0, 12.0, 14.0, 16.0)))
        .isCloseTo(2.0, within(1e-9));
    assertThat(Stats.slope(List.of(0.0, 1.0, 2.0), List.of(5.0, 5.0, 5.0))).isZero();
    assertThat(Stats.slope(List.of(1.0), List.of(1.0))).isNaN();
  }
}
