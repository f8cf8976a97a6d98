package dev.rollguard.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

/**
 * The checkout service of the incident replay. {@code GET /checkout} does a database round trip
 * through a HikariCP pool; {@code /metrics} exposes request counts by outcome and the pool's
 * gauges, as Micrometer would name them. Configured by environment: IMAGE (its tag picks the {@link
 * Behaviour}), JDBC_URL, PORT (0: any), APP, POD, POOL_SIZE.
 */
public final class DemoService implements AutoCloseable {

  private final Behaviour behaviour;
  private final String app;
  private final String pod;
  private final HikariDataSource pool;
  private final HttpServer server;
  private final Histogram requests;
  private final AtomicLong served = new AtomicLong();
  private final List<Connection> leaked = new CopyOnWriteArrayList<>();

  public DemoService(String image, String jdbcUrl, int port, String app, String pod, int poolSize)
      throws IOException {
    this.behaviour = Behaviour.fromImage(image);
    this.app = app;
    this.pod = pod;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(poolSize);
    config.setMinimumIdle(2);
    config.setConnectionTimeout(1000);
    config.setPoolName(app + "-" + pod);
    this.pool = new HikariDataSource(config);
    PrometheusRegistry registry = new PrometheusRegistry();
    this.requests =
        Histogram.builder()
            .name("http_server_requests_seconds")
            .help("Requests served, by outcome")
            .labelNames("app", "pod", "outcome")
            .register(registry);
    poolGauge(
        registry,
        "hikaricp_connections_active",
        "Connections in use",
        app,
        pod,
        p -> p.getActiveConnections());
    poolGauge(
        registry,
        "hikaricp_connections_idle",
        "Idle connections",
        app,
        pod,
        p -> p.getIdleConnections());
    poolGauge(
        registry,
        "hikaricp_connections",
        "Open connections",
        app,
        pod,
        p -> p.getTotalConnections());
    poolGauge(
        registry,
        "hikaricp_connections_pending",
        "Threads waiting",
        app,
        pod,
        p -> p.getThreadsAwaitingConnection());
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/checkout", this::checkout);
    server.createContext("/metrics", new MetricsHandler(registry));
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.start();
  }

  private void poolGauge(
      PrometheusRegistry registry,
      String name,
      String help,
      String app,
      String pod,
      ToDoubleFunction<com.zaxxer.hikari.HikariPoolMXBean> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("app", "pod")
        .callback(
            callback -> {
              var mx = pool.getHikariPoolMXBean();
              if (mx != null) {
                callback.call(value.applyAsDouble(mx), app, pod);
              }
            })
        .register(registry);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public Behaviour behaviour() {
    return behaviour;
  }

  private void checkout(HttpExchange exchange) throws IOException {
    long started = System.nanoTime();
    long n = served.incrementAndGet();
    int status;
    try {
      status = handle(n);
    } catch (SQLException e) {
      // Pool exhausted or database refusing: what the users of the leaking release saw.
      status = 500;
    }
    requests
        .labelValues(app, pod, status == 200 ? "SUCCESS" : "SERVER_ERROR")
        .observe((System.nanoTime() - started) / 1e9);
    byte[] body = (status == 200 ? "ok\n" : "error\n").getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private int handle(long n) throws SQLException {
    if (behaviour == Behaviour.LEAK && n % 2 == 0) {
      Connection connection = pool.getConnection();
      roundTrip(connection);
      leaked.add(connection);
      return 200;
    }
    try (Connection connection = pool.getConnection()) {
      roundTrip(connection);
    }
    return behaviour == Behaviour.ERRORS && n % 5 == 0 ? 500 : 200;
  }

  private static void roundTrip(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("select 1");
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.close();
  }

  public static void main(String[] args) throws IOException {
    String image = env("IMAGE", "shop/checkout:1.0");
    DemoService service =
        new DemoService(
            image,
            env("JDBC_URL", "jdbc:postgresql://127.0.0.1:5432/postgres"),
            Integer.parseInt(env("PORT", "0")),
            env("APP", "checkout"),
            env("POD", "local"),
            Integer.parseInt(env("POOL_SIZE", "30")));
    Runtime.getRuntime().addShutdownHook(new Thread(service::close));
    // The harness reads this line to learn the port.
    System.out.println(
        "demo-service "
            + image
            + " ("
            + service.behaviour()
            + ") listening on port "
            + service.port());
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
