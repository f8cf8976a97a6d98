package dev.rollguard.bench;

import java.util.List;

/** What the benchmark reports; serialised as-is to results.json (schema in docs/benchmarks.md). */
final class Results {

  private Results() {}

  record Report(
      String benchmark,
      String date,
      Machine machine,
      Settings settings,
      List<SizeResult> runs,
      Soak soak) {}

  record Machine(int cores, double memoryGiB, String os, String java) {}

  record Settings(
      String interval,
      String initialDelay,
      String bakeTime,
      int failureLimit,
      int guardsPerRollout,
      double waveShare,
      int breachingDeploys,
      String operatorHeapLimit,
      List<String> operatorArgs,
      int idleWindowSeconds) {}

  /** One size, one metrics source ("table": the benchmark's endpoint; "prometheus": a real one). */
  record SizeResult(
      int rollouts, String metricsSource, double adoptSeconds, Idle idle, Wave wave) {}

  /** Everything adopted, nothing deploying: what holding N Rollouts costs. */
  record Idle(
      double heapAfterGcMiB,
      double residentMiB,
      double heapPerRolloutKiB,
      double residentPerRolloutKiB,
      double cpuSecondsPerMinute,
      double apiRequestsPerSecond,
      double metricsRequestsPerSecond) {}

  /** A deploy wave: {@code deploys} new images at once, {@code breaching} of them over a guard. */
  record Wave(
      int deploys,
      int breaching,
      int rolledBack,
      int promoted,
      double seconds,
      double tickLagP50Seconds,
      double tickLagP99Seconds,
      long measurementRounds,
      double breachToRollbackP50Seconds,
      double breachToRollbackP99Seconds,
      double breachToRollbackMaxSeconds,
      double cpuSecondsPerMinute,
      double apiRequestsPerSecond,
      double metricsRequestsPerSecond,
      double reconcilesPerSecond,
      double reconcileMeanMillis,
      double heapAfterGcMiB,
      double residentMiB) {}

  /** Repeated waves at one size; heap after a full GC sampled after every wave. */
  record Soak(
      int rollouts,
      double minutes,
      int waves,
      List<SoakSample> samples,
      double heapSlopeMiBPerHour,
      double residentSlopeMiBPerHour) {}

  record SoakSample(double minute, double heapAfterGcMiB, double residentMiB) {}
}
