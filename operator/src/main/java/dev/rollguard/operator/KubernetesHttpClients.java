package dev.rollguard.operator;

import dev.rollguard.operator.observability.DaemonThreads;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The Kubernetes client's HTTP clients, with threads that stop after a few idle seconds. The
 * client's own factory gives each HTTP client a cached pool whose threads live a minute: a burst of
 * requests (adopting the fleet, a deploy wave) left a dozen of them resident while the operator was
 * idle. Threads still start as requests need them.
 */
final class KubernetesHttpClients extends JdkHttpClientFactory {

  private static final Duration IDLE_THREAD_LIFETIME = Duration.ofSeconds(5);

  @Override
  protected HttpClient.Builder createNewHttpClientBuilder() {
    ThreadPoolExecutor threads =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            IDLE_THREAD_LIFETIME.toMillis(),
            TimeUnit.MILLISECONDS,
            new SynchronousQueue<>(),
            DaemonThreads.named("rollguard-kube-http"));
    return HttpClient.newBuilder().executor(threads);
  }
}
