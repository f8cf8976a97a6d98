package dev.rollguard.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** What the benchmark reports; serialised as-is to results.json (schema in docs/benchmarks.md). */
final class Results {

  private Results() {}

  record Report(
      String benchmark,
      String date,
      Machine machine,
      Settings settings,
      List<SizeResult> runs,
      Soak soak,
      @JsonInclude(JsonInclude.Include.NON_NULL) String peer,
      @JsonInclude(JsonInclude.Include.NON_NULL) PeerSettings peerSettings,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<PeerRun> peerRuns) {}

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

  /**
   * How the peer controller ran and what its objects said: the flags passed and the defaults they
   * leave in force, and the analysis settings derived from the Rollguard ones.
   */
  record PeerSettings(
      String controller,
      String version,
      String binary,
      List<String> args,
      Map<String, String> defaultsInForce,
      String interval,
      String initialDelay,
      int failureLimit,
      String failureLimitSemantics,
      String canarySteps,
      String workload) {}

  /** One size, both controllers: the same fleet, idle window and wave on fresh platforms. */
  record PeerRun(int rollouts, Side rollguard, Side peer) {}

  /**
   * One controller at one size, every figure taken by the same code for both controllers. Null
   * where a figure does not exist for that controller (heap, tick lag: Rollguard only) or was not
   * run (--peer-only).
   */
  record Side(
      String controller,
      String apiRequestCounter,
      double adoptSeconds,
      SideIdle idle,
      SideWave wave) {}

  record SideIdle(
      double residentMiB,
      double cpuSecondsPerMinute,
      double apiRequestsPerSecond,
      Map<String, Double> apiRequestsPerSecondBy,
      double guardQueriesPerSecond,
      Double heapAfterGcMiB) {}

  record SideWave(
      int deploys,
      int breaching,
      double seconds,
      double cpuSeconds,
      double cpuSecondsPerDeploy,
      double apiRequests,
      double apiRequestsPerDeploy,
      Map<String, Double> apiRequestsPerDeployBy,
      long guardQueries,
      double guardQueriesPerDeploy,
      Spread guardQueriesPerBreachingDeploy,
      Spread guardQueriesPerPassingDeploy,
      double pastBreachingAnswersPerBreachingDeploy,
      long maxMeasurementQueryLagMillis,
      double firstBreachingAnswerToRollbackP50Seconds,
      double firstBreachingAnswerToRollbackP99Seconds,
      double firstBreachingAnswerToRollbackMaxSeconds,
      double decisiveAnswerToActP50Seconds,
      double decisiveAnswerToActP99Seconds,
      double decisiveAnswerToActMaxSeconds,
      double residentMiB,
      Double heapAfterGcMiB,
      Double statusBreachToRollbackP50Seconds,
      Double statusBreachToRollbackP99Seconds,
      Double tickLagP50Seconds,
      Double tickLagP99Seconds) {}

  /** Mean, least and most of a per-Deployment count. */
  record Spread(double mean, long min, long max) {}
}
