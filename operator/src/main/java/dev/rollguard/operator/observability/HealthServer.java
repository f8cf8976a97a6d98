package dev.rollguard.operator.observability;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The kubelet's probes: {@code /healthz} (liveness) and {@code /readyz} (readiness).
 *
 * <p>Each check is a supplier returning empty when all is well, or the reason why not; the reason
 * becomes the 503 body, so {@code kubectl describe pod} shows why a probe failed.
 */
public final class HealthServer implements AutoCloseable {

  private static final int OK = 200;
  private static final int UNAVAILABLE = 503;

  private final HttpServer server;
  private final ExecutorService executor;

  private HealthServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on all interfaces, since the kubelet probes the pod IP.
   *
   * @param port 0 picks a free port (see {@link #port()})
   * @param liveness empty while the operator works; a reason when it should be restarted
   * @param readiness empty when ready; a reason (e.g. "informers not synced") otherwise
   * @throws UncheckedIOException when the port cannot be bound
   */
  public static HealthServer start(
      int port, Supplier<Optional<String>> liveness, Supplier<Optional<String>> readiness) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve health checks on port " + port, e);
    }
    // Probes are tiny; two threads are plenty.
    ExecutorService executor =
        Executors.newFixedThreadPool(2, DaemonThreads.named("rollguard-health"));
    server.setExecutor(executor);
    server.createContext("/", exchange -> respond(exchange, route(exchange, liveness, readiness)));
    server.start();
    return new HealthServer(server, executor);
  }

  private static Reply route(
      HttpExchange exchange,
      Supplier<Optional<String>> liveness,
      Supplier<Optional<String>> readiness) {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return new Reply(405, "method not allowed");
    }
    return switch (exchange.getRequestURI().getPath()) {
      case "/healthz" -> check(liveness);
      case "/readyz" -> check(readiness);
      default -> new Reply(404, "not found");
    };
  }

  // A check that throws is a failing check, not a broken probe endpoint.
  private static Reply check(Supplier<Optional<String>> check) {
    Optional<String> problem;
    try {
      problem = check.get();
    } catch (RuntimeException e) {
      problem = Optional.of("check failed: " + e);
    }
    return problem.map(reason -> new Reply(UNAVAILABLE, reason)).orElse(new Reply(OK, "ok"));
  }

  private static void respond(HttpExchange exchange, Reply reply) throws IOException {
    byte[] body = (reply.body + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(reply.status, head ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(body);
      }
    }
  }

  /** The bound port, useful when started with port 0. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private record Reply(int status, String body) {}
}
