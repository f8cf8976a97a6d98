package dev.rollguard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rollguard.operator.OperatorOptions.LogFormat;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OperatorOptionsTest {

  // Environment variables this class reads; cleared in subprocesses so the build's own
  // environment cannot leak into the assertions.
  private static final List<String> ENV =
      List.of(
          "ROLLGUARD_PROMETHEUS_URL",
          "ROLLGUARD_NAMESPACES",
          "ROLLGUARD_METRICS_PORT",
          "ROLLGUARD_HEALTH_PORT",
          "ROLLGUARD_LEADER_ELECTION",
          "ROLLGUARD_LEADER_ELECTION_NAMESPACE",
          "ROLLGUARD_LEADER_ELECTION_LEASE",
          "ROLLGUARD_RECONCILE_THREADS",
          "ROLLGUARD_MEASUREMENT_THREADS",
          "ROLLGUARD_LOG_FORMAT",
          "KUBECONFIG");

  @Test
  void everyFlag() {
    OperatorOptions options =
        OperatorOptions.parse(
            "--prometheus-url",
            "https://prom.monitoring:9090/prefix",
            "--namespaces",
            "shop, billing,,shop",
            "--metrics-port",
            "9100",
            "--health-port",
            "0",
            "--leader-election",
            "--leader-election-namespace",
            "rollguard-system",
            "--leader-election-lease",
            "rg.lease",
            "--kubeconfig",
            "/tmp/kubeconfig",
            "--reconcile-threads",
            "4",
            "--measurement-threads",
            "8",
            "--resync-interval",
            "2m30s",
            "--log-format",
            "JSON");
    assertThat(options.prometheusUrl()).contains(URI.create("https://prom.monitoring:9090/prefix"));
    assertThat(options.namespaces()).containsExactly("shop", "billing");
    assertThat(options.watchesAllNamespaces()).isFalse();
    assertThat(options.metricsPort()).isEqualTo(9100);
    assertThat(options.healthPort()).isZero();
    assertThat(options.leaderElection()).isTrue();
    assertThat(options.leaderElectionNamespace()).contains("rollguard-system");
    assertThat(options.leaderElectionLease()).isEqualTo("rg.lease");
    assertThat(options.kubeconfig()).contains(Path.of("/tmp/kubeconfig"));
    assertThat(options.reconcileThreads()).isEqualTo(4);
    assertThat(options.measurementThreads()).isEqualTo(8);
    assertThat(options.resyncInterval()).isEqualTo(java.time.Duration.ofSeconds(150));
    assertThat(options.logFormat()).isEqualTo(LogFormat.JSON);
  }

  @Test
  void equalsSyntaxAndExplicitFalse() {
    OperatorOptions options =
        OperatorOptions.parse(
            "--metrics-port=0",
            "--leader-election=false",
            "--namespaces=",
            "--prometheus-url=http://localhost:9090");
    assertThat(options.metricsPort()).isZero();
    assertThat(options.leaderElection()).isFalse();
    assertThat(options.namespaces()).isEmpty();
    assertThat(options.prometheusUrl()).contains(URI.create("http://localhost:9090"));
  }

  @Test
  void bothPortsZeroIsFine() {
    OperatorOptions options = OperatorOptions.parse("--metrics-port", "0", "--health-port", "0");
    assertThat(options.metricsPort()).isZero();
    assertThat(options.healthPort()).isZero();
  }

  @Test
  void helpSkipsValidation() {
    assertThat(OperatorOptions.parse("--help", "--metrics-port", "-5").helpRequested()).isTrue();
    assertThat(OperatorOptions.usage())
        .contains(
            "rollguard-operator",
            "--prometheus-url",
            "ROLLGUARD_PROMETHEUS_URL",
            "ROLLGUARD_METRICS_PORT",
            "KUBECONFIG",
            "Default: 8080");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "--prometheus-url      | ftp://prom:21",
        "--prometheus-url      | prometheus:9090",
        "--prometheus-url      | http://",
        "--prometheus-url      | http://bad host/",
        "--metrics-port        | 65536",
        "--metrics-port        | -1",
        "--metrics-port        | http",
        "--health-port         | 70000",
        "--log-format          | xml",
        "--namespaces          | Shop",
        "--namespaces          | ok,not_ok",
        "--leader-election-namespace | Bad_NS",
        "--leader-election-lease     | ''",
        "--reconcile-threads   | 0",
        "--measurement-threads | two",
        "--resync-interval     | 0s",
        "--resync-interval     | 5s",
        "--resync-interval     | often",
        "--status-refresh-interval | soon",
        "--status-refresh-interval | -1m",
      })
  void badValueNamesTheFlag(String flag, String value) {
    assertThatThrownBy(() -> OperatorOptions.parse(flag, value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(flag);
  }

  @Test
  void badBooleanNamesTheFlag() {
    // "--leader-election yes" would read "yes" as a stray argument, since the value is optional
    assertThatThrownBy(() -> OperatorOptions.parse("--leader-election=yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--leader-election");
  }

  @Test
  void samePortTwiceIsRejected() {
    assertThatThrownBy(
            () -> OperatorOptions.parse("--metrics-port", "9000", "--health-port", "9000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--metrics-port")
        .hasMessageContaining("--health-port");
  }

  @Test
  void unknownFlagIsNamed() {
    assertThatThrownBy(() -> OperatorOptions.parse("--prometheus", "http://x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--prometheus");
  }

  @Test
  void missingValueIsNamed() {
    assertThatThrownBy(() -> OperatorOptions.parse("--metrics-port"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--metrics-port");
  }

  @Test
  void logHidesUrlCredentials() {
    String line =
        OperatorOptions.parse("--prometheus-url", "https://user:secret@prom:9090").toString();
    assertThat(line).contains("https://***@prom:9090").doesNotContain("secret");
  }

  // Environment variables cannot be set in-process, so these run a small JVM with them set.

  @Test
  void environmentSuppliesDefaults() throws Exception {
    Map<String, String> env =
        Map.of(
            "ROLLGUARD_PROMETHEUS_URL", "http://prom:9090",
            "ROLLGUARD_NAMESPACES", "a,b",
            "ROLLGUARD_METRICS_PORT", "9000",
            "ROLLGUARD_HEALTH_PORT", "9001",
            "ROLLGUARD_LEADER_ELECTION", "true",
            "ROLLGUARD_LEADER_ELECTION_NAMESPACE", "ops",
            "ROLLGUARD_LEADER_ELECTION_LEASE", "my-lease",
            "ROLLGUARD_RECONCILE_THREADS", "3",
            "ROLLGUARD_MEASUREMENT_THREADS", "5",
            "ROLLGUARD_LOG_FORMAT", "json");
    assertThat(runWith(env, "--metrics-port", "9002"))
        .isEqualTo(
            "prometheusUrl=http://prom:9090 namespaces=a,b metricsPort=9002 healthPort=9001"
                + " leaderElection=true leaderElectionNamespace=ops leaderElectionLease=my-lease"
                + " kubeconfig=(discovered) reconcileThreads=3 measurementThreads=5 resyncInterval=10m statusRefreshInterval=1m notificationTargets=(none) logFormat=json");
  }

  @Test
  void defaultsWithCleanEnvironment() throws Exception {
    assertThat(runWith(Map.of()))
        .isEqualTo(
            "prometheusUrl=(none) namespaces=(all) metricsPort=8080 healthPort=8081"
                + " leaderElection=false leaderElectionNamespace=(own) leaderElectionLease=rollguard-operator"
                + " kubeconfig=(discovered) reconcileThreads=50 measurementThreads=2 resyncInterval=10m statusRefreshInterval=1m notificationTargets=(none) logFormat=text");
  }

  @Test
  void badEnvironmentValueNamesTheFlag() throws Exception {
    assertThat(runWith(Map.of("ROLLGUARD_HEALTH_PORT", "eighty")))
        .startsWith("error: ")
        .contains("--health-port");
  }

  private static String runWith(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PrintOptions.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    ENV.forEach(builder.environment()::remove);
    builder.environment().putAll(env);
    Process process = builder.start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }

  /** Prints the parsed options, or the parse error, for the environment tests. */
  public static final class PrintOptions {
    public static void main(String[] args) {
      try {
        System.out.println(OperatorOptions.parse(args));
      } catch (IllegalArgumentException e) {
        System.out.println("error: " + e.getMessage());
      }
    }
  }
}
