package dev.rollguard.operator.observability;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Serves the registry at /metrics for Prometheus to scrape. */
public final class MetricsServer implements AutoCloseable {

  private final HTTPServer server;

  private MetricsServer(HTTPServer server) {
    this.server = server;
  }

  /**
   * Starts serving on all interfaces, since Prometheus scrapes the pod IP.
   *
   * @param port 0 picks a free port (see {@link #port()})
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static MetricsServer start(int port, PrometheusRegistry registry) {
    try {
      return new MetricsServer(
          HTTPServer.builder()
              .inetAddress(wildcard())
              .port(port)
              .registry(registry)
              .executorService(scrapeThreads())
              .buildAndStart());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on port " + port, e);
    }
  }

  /**
   * Two threads, started on the first scrapes and stopped after a minute without one: Prometheus
   * scrapes one request at a time, and the library's default keeps up to ten threads resident.
   */
  private static ThreadPoolExecutor scrapeThreads() {
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            2,
            2,
            1,
            TimeUnit.MINUTES,
            new LinkedBlockingQueue<>(),
            DaemonThreads.named("rollguard-metrics"));
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  private static InetAddress wildcard() {
    return new InetSocketAddress(0).getAddress();
  }

  /** The bound port, useful when started with port 0. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
