package dev.rollguard.operator.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A webhook receiver on a local port: records every request and answers with the statuses it is
 * given, in order (then 200), or hangs until released.
 */
public final class Receiver implements AutoCloseable {

  /** One request as received. */
  public record Request(String path, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  public final List<Request> requests = new CopyOnWriteArrayList<>();

  /** Requests answered so far (a hanging receiver answers none until released). */
  public final java.util.concurrent.atomic.AtomicInteger answered =
      new java.util.concurrent.atomic.AtomicInteger();

  private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean hang;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  public Receiver() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(
              new Request(
                  exchange.getRequestURI().getPath(),
                  Map.copyOf(exchange.getRequestHeaders()),
                  body));
          if (hang) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          Integer status = statuses.poll();
          exchange.sendResponseHeaders(status == null ? 200 : status, -1);
          exchange.close();
          answered.incrementAndGet();
        });
    server.setExecutor(executor);
    server.start();
  }

  /** Answers these statuses first, one per request. */
  public Receiver answering(Integer... statuses) {
    this.statuses.addAll(List.of(statuses));
    return this;
  }

  /** Accepts requests and never answers until {@link #release}. */
  public Receiver hanging() {
    hang = true;
    return this;
  }

  public void release() {
    hang = false;
    release.countDown();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    executor.shutdownNow();
  }
}
