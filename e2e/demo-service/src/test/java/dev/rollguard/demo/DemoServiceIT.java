package dev.rollguard.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rollguard.testing.LocalPlatform;
import dev.rollguard.testing.Platform;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each version of the demo service does what its tag says, against a real PostgreSQL. */
@LocalPlatform(postgres = true)
class DemoServiceIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static int get(DemoService service, String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static String metrics(DemoService service) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/metrics"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static long sessions(Platform platform, String app) throws Exception {
    try (Connection c = DriverManager.getConnection(platform.jdbcUrl());
        ResultSet rs =
            c.createStatement()
                .executeQuery(
                    "select count(*) from pg_stat_activity where application_name = 'PostgreSQL JDBC Driver'"
                        + " and pid <> pg_backend_pid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void theTagChoosesTheBehaviour() {
    assertThat(Behaviour.fromImage("shop/checkout:1.4.1")).isEqualTo(Behaviour.GOOD);
    assertThat(Behaviour.fromImage("shop/checkout:1.4.2-leak")).isEqualTo(Behaviour.LEAK);
    assertThat(Behaviour.fromImage("registry:5000/shop/checkout:1.4.3-errors"))
        .isEqualTo(Behaviour.ERRORS);
  }

  @Test
  void theGoodVersionReturnsItsConnections(Platform platform) throws Exception {
    try (DemoService service =
        new DemoService("shop/checkout:1.4.1", platform.jdbcUrl(), 0, "checkout", "a", 10)) {
      for (int i = 0; i < 50; i++) {
        assertThat(get(service, "/checkout")).isEqualTo(200);
      }
      assertThat(metrics(service))
          .contains(
              "http_server_requests_seconds_count{app=\"checkout\",outcome=\"SUCCESS\",pod=\"a\"} 50")
          .contains("hikaricp_connections_active{app=\"checkout\",pod=\"a\"} 0.0");
    }
  }

  @Test
  void theLeakingVersionKeepsBorrowedConnectionsUntilThePoolIsExhausted(Platform platform)
      throws Exception {
    try (DemoService service =
        new DemoService("shop/checkout:1.4.2-leak", platform.jdbcUrl(), 0, "checkout", "b", 10)) {
      for (int i = 0; i < 20; i++) {
        get(service, "/checkout");
      }
      assertThat(metrics(service))
          .contains("hikaricp_connections_active{app=\"checkout\",pod=\"b\"} 10.0");
      await().atMost(Duration.ofSeconds(10)).until(() -> sessions(platform, "checkout") >= 10);
      assertThat(get(service, "/checkout")).as("pool exhausted").isEqualTo(500);
    }
  }

  @Test
  void theFailingVersionAnswers500OnAShareOfRequests(Platform platform) throws Exception {
    try (DemoService service =
        new DemoService("shop/checkout:1.4.3-errors", platform.jdbcUrl(), 0, "checkout", "c", 10)) {
      int failures = 0;
      for (int i = 0; i < 50; i++) {
        failures += get(service, "/checkout") == 500 ? 1 : 0;
      }
      assertThat(failures).isEqualTo(10);
      assertThat(metrics(service)).contains("outcome=\"SERVER_ERROR\"");
    }
  }
}
