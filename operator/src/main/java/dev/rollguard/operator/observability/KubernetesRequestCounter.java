package dev.rollguard.operator.observability;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.Locale;

/**
 * Counts the requests the operator sends to the API server, so the load it puts on the control
 * plane is visible (and measured by the scale benchmark) without an audit log.
 */
public final class KubernetesRequestCounter implements Interceptor {

  public static final String NAME = "rollguard-request-counter";

  private final OperatorMetrics metrics;

  public KubernetesRequestCounter(OperatorMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    metrics.kubernetesRequest(verb(request.method(), request.uri().getRawQuery()));
  }

  /** The HTTP method, lower-case, except that a GET opening a watch counts as {@code watch}. */
  static String verb(String method, String query) {
    if ("GET".equalsIgnoreCase(method)
        && query != null
        && query.matches("(^|.*&)watch=(true|1)(&.*|$)")) {
      return "watch";
    }
    return method.toLowerCase(Locale.ROOT);
  }
}
