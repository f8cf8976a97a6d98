package dev.rollguard.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line and the exit codes, with a stand-in for kubectl that prints what it is told to
 * (KubectlPluginIT runs the plugin with the real kubectl against the real API server).
 */
class PluginMainTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @TempDir Path dir;

  private int run(Map<String, String> env, String... args) {
    Terminal terminal =
        new Terminal(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC),
            false);
    return PluginMain.run(terminal, args);
  }

  private Map<String, String> kubectl(int exit, String stdout, String stderr) throws IOException {
    Path script = dir.resolve("kubectl");
    Files.writeString(dir.resolve("out"), stdout);
    Files.writeString(dir.resolve("err"), stderr);
    Files.writeString(
        script,
        "#!/bin/sh\necho \"$@\" >> '"
            + dir.resolve("calls")
            + "'\ncat '"
            + dir.resolve("out")
            + "'\ncat '"
            + dir.resolve("err")
            + "' >&2\nexit "
            + exit
            + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return Map.of("KUBECTL_PATH", script.toString());
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutACommandItPrintsTheUsageAndExits2() {
    assertThat(run(Map.of())).isEqualTo(ExitCodes.USAGE);
    assertThat(err()).contains("Usage: kubectl rollguard COMMAND").contains("Exit codes:");
  }

  @Test
  void helpIsAskedForInEveryUsualWay() {
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out()).contains("status").contains("promote").contains("report");
    assertThat(run(Map.of(), "help", "status")).isZero();
    assertThat(run(Map.of(), "get", "-h")).isZero();
    assertThat(out()).contains("Usage: kubectl rollguard get").contains("--watch");
  }

  @Test
  void aWrongCommandLineExits2NamingWhatIsWrong() {
    assertThat(run(Map.of(), "gte")).isEqualTo(ExitCodes.USAGE);
    assertThat(err()).contains("unknown command \"gte\"");
    assertThat(run(Map.of(), "report", "-w", "web")).isEqualTo(ExitCodes.USAGE);
    assertThat(err()).contains("report does not take --watch");
    assertThat(run(Map.of(), "promote", "web", "--timeout", "0s")).isEqualTo(ExitCodes.USAGE);
    assertThat(err()).contains("--timeout must be positive");
    assertThat(run(Map.of(), "rollback", "web", "-A")).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void kubectlsOwnErrorReachesTheUserWithExit4() throws IOException {
    Map<String, String> env =
        kubectl(1, "", "Error from server (Forbidden): rollouts.rollguard.dev is forbidden\n");
    assertThat(run(env, "get", "-n", "shop")).isEqualTo(ExitCodes.CLUSTER);
    assertThat(err()).contains("Error from server (Forbidden)");
  }

  @Test
  void aMissingKubectlIsNamed() {
    assertThat(run(Map.of("KUBECTL_PATH", dir.resolve("nope").toString()), "get"))
        .isEqualTo(ExitCodes.CLUSTER);
    assertThat(err()).contains("cannot run").contains("kubectl");
  }

  @Test
  void getReadsTheServersTableAndPrintsItsOwn() throws IOException {
    Map<String, String> env =
        kubectl(
            0,
            "NAME       TARGET     PHASE     STEP     CURRENT   STABLE   AGE   DECISION   DECIDED"
                + "   MESSAGE\n"
                + "checkout   checkout   Healthy   <none>   app:2     app:2    60m   Promoted   10m"
                + "       promoted a1 (app:2) to stable\n",
            "");
    assertThat(run(env, "get", "-n", "shop", "--context", "prod")).isZero();
    assertThat(out())
        .isEqualTo(
            "NAME       PHASE     STEP   CURRENT   STABLE   LAST DECISION      AGE\n"
                + "checkout   Healthy   -      app:2     app:2    Promoted 10m ago   60m\n");
    assertThat(Files.readString(dir.resolve("calls")))
        .isEqualTo("--context=prod get rollouts.v1alpha1.rollguard.dev --namespace=shop -o wide\n");
  }

  @Test
  void dashOHandsKubectlsOwnOutputToScripts() throws IOException {
    Map<String, String> env = kubectl(0, "{\"kind\": \"List\", \"items\": []}\n", "");
    assertThat(run(env, "get", "-n", "shop", "-ojson")).isZero();
    assertThat(out()).isEqualTo("{\"kind\": \"List\", \"items\": []}\n");
    assertThat(Files.readString(dir.resolve("calls")))
        .isEqualTo("get rollouts.v1alpha1.rollguard.dev --namespace=shop -o json\n");
    assertThat(run(env, "get", "-o", "wide")).isEqualTo(ExitCodes.USAGE);
    assertThat(err()).contains("--output must be one of json, yaml, name");
    assertThat(run(env, "status", "web", "-o", "yaml", "-w")).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void noRolloutsIsSaidOnStderrAsKubectlDoes() throws IOException {
    assertThat(run(kubectl(0, "", ""), "get", "-n", "shop")).isZero();
    assertThat(out()).isEmpty();
    assertThat(err()).contains("No Rollouts found in namespace shop.");
  }

  @Test
  void versionWithoutTheClusterNeedsNoKubectl() {
    assertThat(run(Map.of("KUBECTL_PATH", "/nonexistent"), "version", "--client")).isZero();
    assertThat(out()).startsWith("kubectl-rollguard ");
  }
}
