package dev.rollguard.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A /metrics endpoint whose gauges a test sets, for Prometheus to scrape: the test decides what the
 * "service" reports (connections, error rate), Prometheus and Rollguard do the rest.
 */
public final class TestExporter implements AutoCloseable {

  private final HttpServer server;
  private final Map<String, Double> gauges = new ConcurrentHashMap<>();

  private TestExporter(HttpServer server) {
    this.server = server;
  }

  public static TestExporter start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      TestExporter exporter = new TestExporter(server);
      server.createContext(
          "/metrics",
          exchange -> {
            byte[] body = exporter.render().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
      return exporter;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets a sample, e.g. {@code set("db_connections{scenario=\"a\"}", 42)}. */
  public void set(String series, double value) {
    gauges.put(series, value);
  }

  public void remove(String series) {
    gauges.remove(series);
  }

  /** host:port to scrape. */
  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private String render() {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(gauges)
        .forEach((series, value) -> text.append(series).append(' ').append(value).append('\n'));
    return text.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
