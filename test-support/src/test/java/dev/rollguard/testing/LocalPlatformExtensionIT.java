package dev.rollguard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The extension tears the platform down even when the tests that used it fail. */
class LocalPlatformExtensionIT {

  @Test
  void stopsEveryProcessAfterAFailingTestAndKeepsTheLogs() throws IOException {
    Events tests =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(FailingPrometheusTest.class))
            .execute()
            .testEvents();

    tests.assertStatistics(stats -> stats.started(1).failed(1));
    assertThat(FailingPrometheusTest.prometheusPid).isPositive();
    assertThat(ProcessHandle.of(FailingPrometheusTest.prometheusPid).map(ProcessHandle::isAlive))
        .as("Prometheus process after the test class")
        .isNotEqualTo(Optional.of(true));
    assertThat(answers(FailingPrometheusTest.prometheusUrl))
        .as("Prometheus still answering")
        .isFalse();
    try (var pidFiles = Files.list(FailingPrometheusTest.runDir.resolve("pids"))) {
      assertThat(pidFiles).as("pid files left").isEmpty();
    }
    assertThat(FailingPrometheusTest.runDir.resolve("logs/prometheus.log")).isNotEmptyFile();
  }

  private static boolean answers(URI url) {
    try {
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .build()
          .send(
              HttpRequest.newBuilder(url.resolve("/-/ready")).build(),
              HttpResponse.BodyHandlers.discarding());
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Run only through the test kit above (Surefire skips nested classes). */
  @LocalPlatform(prometheus = true)
  static class FailingPrometheusTest {
    static long prometheusPid;
    static URI prometheusUrl;
    static Path runDir;

    @Test
    void fails(Platform platform) throws IOException {
      runDir = platform.runDir();
      prometheusUrl = platform.prometheusUrl();
      prometheusPid =
          Long.parseLong(Files.readString(runDir.resolve("pids/prometheus.pid")).split(" ")[0]);
      assertThat(answers(prometheusUrl)).isTrue();
      throw new AssertionError("deliberate failure");
    }
  }
}
