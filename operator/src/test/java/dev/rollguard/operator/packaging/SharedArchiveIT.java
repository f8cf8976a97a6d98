package dev.rollguard.operator.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged operator starts with its classes mapped from the class-data-sharing archive that the
 * build dumps beside the jar (operator/cds/dump-archive), with the image's JVM options; and an
 * archive that does not fit the jar costs only the sharing, never the start.
 */
class SharedArchiveIT {

  private static final Path BUILD_DIR =
      Path.of(System.getProperty("rollguard.operator.build.dir", "target"));
  private static final Path JAR = BUILD_DIR.resolve("rollguard-operator.jar");
  private static final Path ARCHIVE = BUILD_DIR.resolve("rollguard-operator.jsa");
  private static final Path JVM_OPTIONS =
      Path.of(System.getProperty("rollguard.repo.dir", ".."), "operator/jvm.options");
  private static final String FROM_ARCHIVE =
      "dev.rollguard.operator.RollguardMain source: shared objects file";

  @Test
  void theOperatorStartsWithItsClassesFromTheArchive() throws Exception {
    // -Xshare:on makes the JVM refuse to start when the archive does not fit this JVM and jar.
    Result result = start(JAR, "-Xshare:on");

    assertThat(result.exitCode).as(result.output).isZero();
    assertThat(result.output).contains(FROM_ARCHIVE).contains("Usage: rollguard-operator");
  }

  @Test
  void aJarTheArchiveDoesNotFitStartsWithoutSharing(@TempDir Path dir) throws Exception {
    // Another path (and another modification time) than the jar the archive was dumped from.
    Path other = Files.copy(JAR, dir.resolve("rollguard-operator.jar"));

    Result result = start(other);

    assertThat(result.exitCode).as(result.output).isZero();
    assertThat(result.output)
        .doesNotContain(FROM_ARCHIVE)
        .contains("dev.rollguard.operator.RollguardMain source: file:")
        .contains("Usage: rollguard-operator");
  }

  private static Result start(Path jar, String... options)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // The image's options (their archive path exists only in the image), then the build's archive.
    command.add("@" + JVM_OPTIONS.toAbsolutePath());
    command.add("-XX:SharedArchiveFile=" + ARCHIVE.toAbsolutePath());
    command.addAll(List.of(options));
    command.addAll(List.of("-Xlog:class+load=info", "-jar", jar.toString(), "--help"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private record Result(int exitCode, String output) {}
}
