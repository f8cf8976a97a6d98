package dev.rollguard.operator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicReference<Optional<String>> liveness =
      new AtomicReference<>(Optional.empty());
  private final AtomicReference<Optional<String>> readiness =
      new AtomicReference<>(Optional.of("informers not synced"));
  private final HealthServer server = HealthServer.start(0, liveness::get, readiness::get);

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void startsOnAFreePort() {
    assertThat(server.port()).isPositive();
  }

  @Test
  void healthzIsOkWhileAlive() throws Exception {
    HttpResponse<String> response = get("/healthz");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok\n");
    assertThat(response.headers().firstValue("Content-Type")).contains("text/plain; charset=utf-8");
  }

  @Test
  void healthzFailsWithTheReason() throws Exception {
    liveness.set(Optional.of("reconcile loop stuck for 5m"));
    HttpResponse<String> response = get("/healthz");
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("reconcile loop stuck for 5m\n");
  }

  @Test
  void readyzFollowsReadiness() throws Exception {
    HttpResponse<String> notReady = get("/readyz");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.body()).isEqualTo("informers not synced\n");

    readiness.set(Optional.empty());
    HttpResponse<String> ready = get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ok\n");
  }

  @Test
  void aThrowingCheckIsAFailingCheck() throws Exception {
    try (HealthServer throwing =
        HealthServer.start(
            0,
            Optional::empty,
            () -> {
              throw new IllegalStateException("boom");
            })) {
      HttpResponse<String> response = get(throwing.port(), "/readyz");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("boom");
    }
  }

  @Test
  void otherPathsAndMethodsAreRejected() throws Exception {
    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/healthzz").statusCode()).isEqualTo(404);
    HttpRequest post =
        HttpRequest.newBuilder(uri(server.port(), "/healthz"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    assertThat(client.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
  }

  @Test
  void headIsAnswered() throws Exception {
    HttpRequest head =
        HttpRequest.newBuilder(uri(server.port(), "/healthz"))
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> response = client.send(head, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void closeReleasesThePort() throws Exception {
    int port = server.port();
    server.close();
    try (HealthServer again = HealthServer.start(port, Optional::empty, Optional::empty)) {
      assertThat(again.port()).isEqualTo(port);
      assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return get(server.port(), path);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(uri(port, path)).timeout(Duration.ofSeconds(5)).build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }
}
