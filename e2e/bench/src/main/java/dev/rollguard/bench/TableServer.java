package dev.rollguard.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves the {@link MetricTable} two ways: as a Prometheus-API-compatible endpoint ({@code
 * /api/v1/query}, answered from the table, so the benchmark measures the controller and not a
 * Prometheus), and as a {@code /metrics} page for a real Prometheus to scrape (the comparison run).
 *
 * <p>The query endpoint takes its parameters from the URL (GET) and from a form-encoded body
 * (POST), as Prometheus does: Go's Prometheus API client, which Argo Rollouts uses, sends a POST
 * first. Every answer is recorded in a {@link QueryLog}.
 */
final class TableServer implements AutoCloseable {

  private static final Pattern METRIC = Pattern.compile("(bench_[a-z_]+)");
  private static final Pattern DEPLOYMENT = Pattern.compile("deployment=\"([^\"]+)\"");

  private final MetricTable table;
  private final Supplier<Collection<String>> deployments;
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final AtomicLong queries = new AtomicLong();
  private final QueryLog log = new QueryLog();

  TableServer(MetricTable table, Supplier<Collection<String>> deployments) throws IOException {
    this.table = table;
    this.deployments = deployments;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    server.createContext("/api/v1/query", this::query);
    server.createContext("/metrics", this::exposition);
    server.setExecutor(threads);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  long queries() {
    return queries.get();
  }

  /** Per-Deployment counts and breaching answers of the query endpoint. */
  QueryLog log() {
    return log;
  }

  private void query(HttpExchange exchange) throws IOException {
    queries.incrementAndGet();
    long now = System.currentTimeMillis();
    Map<String, String> params = params(exchange.getRequestURI().getRawQuery());
    if ("POST".equalsIgnoreCase(exchange.getRequestMethod())) {
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
        respond(
            exchange,
            400,
            "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"expected a form body\"}");
        return;
      }
      try (var body = exchange.getRequestBody()) {
        params.putAll(params(new String(body.readAllBytes(), StandardCharsets.US_ASCII)));
      }
    } else if (!"GET".equalsIgnoreCase(exchange.getRequestMethod())) {
      respond(
          exchange,
          405,
          "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"GET or POST\"}");
      return;
    }
    String promql = params.getOrDefault("query", "");
    long at =
        params.containsKey("time") ? (long) (Double.parseDouble(params.get("time")) * 1000) : now;
    Matcher metric = METRIC.matcher(promql);
    Matcher deployment = DEPLOYMENT.matcher(promql);
    if (!metric.find() || !deployment.find()) {
      respond(
          exchange,
          400,
          "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"unknown query\"}");
      return;
    }
    String name = deployment.group(1);
    double value = table.value(metric.group(1), name, at);
    boolean breaching =
        metric.group(1).equals(MetricTable.CONNECTIONS) && value > MetricTable.CONNECTIONS_LIMIT;
    String result =
        Double.isNaN(value)
            ? ""
            : "{\"metric\":{},\"value\":[" + seconds(at) + ",\"" + value + "\"]}";
    respond(
        exchange,
        200,
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
            + result
            + "]}}");
    // After the answer went out: the time a controller could first act on it.
    log.answered(name, breaching, at, now, System.currentTimeMillis());
  }

  private void exposition(HttpExchange exchange) throws IOException {
    long now = System.currentTimeMillis();
    StringBuilder page = new StringBuilder();
    for (String metric : new String[] {MetricTable.CONNECTIONS, MetricTable.ERRORS}) {
      page.append("# TYPE ").append(metric).append(" gauge\n");
      for (String name : deployments.get()) {
        page.append(metric)
            .append("{deployment=\"")
            .append(name)
            .append("\"} ")
            .append(table.value(metric, name, now))
            .append('\n');
      }
    }
    respond(exchange, 200, page.toString());
  }

  private static String seconds(long millis) {
    return String.format("%d.%03d", millis / 1000, millis % 1000);
  }

  static Map<String, String> params(String rawQuery) {
    Map<String, String> params = new HashMap<>();
    if (rawQuery == null) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange
        .getResponseHeaders()
        .set(
            "Content-Type",
            body.startsWith("{") ? "application/json" : "text/plain; version=0.0.4");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
