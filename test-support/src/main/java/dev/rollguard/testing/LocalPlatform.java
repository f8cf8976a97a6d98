package dev.rollguard.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts the parts of Rollguard's local test platform that a test class needs, once for the class,
 * and stops them after its last test, whether the tests passed or not. Tests receive a {@link
 * Platform} as a parameter of a test, lifecycle method or constructor.
 *
 * <pre>
 * &#64;LocalPlatform(cluster = true, prometheus = true)
 * class MyTest {
 *   &#64;Test void works(Platform platform) { platform.client().pods()... }
 * }
 * </pre>
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LocalPlatformExtension.class)
public @interface LocalPlatform {

  /** Only etcd and kube-apiserver, through Fabric8 kube-api-test: fast, no nodes or pods. */
  boolean apiServer() default false;

  /** A whole cluster: API server, controller-manager, scheduler and kwok with fake nodes. */
  boolean cluster() default false;

  /** Prometheus scraping targets the test adds, every {@link #scrapeInterval()}. */
  boolean prometheus() default false;

  /** PostgreSQL on a free port, with postgres_exporter (scraped if Prometheus runs too). */
  boolean postgres() default false;

  /** Number of kwok nodes in a {@link #cluster()}. */
  int nodes() default 3;

  /**
   * How long kwok takes to make a scheduled pod Ready, in milliseconds (plus up to half as much
   * again at random): by default 1 to 1.5 s, like a container without a readiness probe starting; 0
   * makes pods Ready at once (tens of milliseconds), faster than any real pod.
   */
  int podReadyDelayMillis() default 1000;

  /** PostgreSQL's {@code max_connections}. */
  int maxConnections() default 100;

  /** Prometheus' scrape interval, in Prometheus duration syntax. */
  String scrapeInterval() default "1s";
}
