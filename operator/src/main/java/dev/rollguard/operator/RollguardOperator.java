package dev.rollguard.operator;

import dev.rollguard.operator.act.ChangeApplier;
import dev.rollguard.operator.act.EventRecorder;
import dev.rollguard.operator.act.NoticeSender;
import dev.rollguard.operator.act.RevisionStore;
import dev.rollguard.operator.act.RollbacksInFlight;
import dev.rollguard.operator.act.TemplateRestorer;
import dev.rollguard.operator.decide.RolloutDecider;
import dev.rollguard.operator.measure.MeasurementJobs;
import dev.rollguard.operator.measure.MeasurementScheduler;
import dev.rollguard.operator.measure.SecretKeys;
import dev.rollguard.operator.measure.TokenCache;
import dev.rollguard.operator.measure.prometheus.PrometheusMetricsSource;
import dev.rollguard.operator.notify.NotificationSender;
import dev.rollguard.operator.notify.Notifications;
import dev.rollguard.operator.notify.TargetsWatch;
import dev.rollguard.operator.observability.DaemonThreads;
import dev.rollguard.operator.observability.HealthServer;
import dev.rollguard.operator.observability.KubernetesRequestCounter;
import dev.rollguard.operator.observability.MetricsServer;
import dev.rollguard.operator.observability.OperatorMetrics;
import dev.rollguard.operator.reconcile.OwnStatusEchoes;
import dev.rollguard.operator.reconcile.RolloutReconciler;
import dev.rollguard.operator.reconcile.RoundsFirstExecutor;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running operator: wires the parts together, starts them, and stops them in order. */
public final class RollguardOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RollguardOperator.class);

  private final OperatorOptions options;
  private final RolloutReconciler reconciler;
  private final KubernetesClient client;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ScheduledExecutorService timer;
  private final EventRecorder events;
  private final MeasurementScheduler scheduler;
  private final TargetsWatch notificationTargets;
  private final NotificationSender notificationSender;
  private final Operator operator;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private MetricsServer metricsServer;
  private HealthServer healthServer;

  public RollguardOperator(OperatorOptions options) {
    this(options, OperatorHooks.NONE);
  }

  /** {@code hooks}: for tests that stop or fail the operator at a given point. */
  public RollguardOperator(OperatorOptions options, OperatorHooks hooks) {
    this.options = options;
    OperatorMetrics metrics = new OperatorMetrics(registry);
    this.client = buildClient(options, metrics);
    Clock clock = Clock.systemUTC();
    OperatorMetrics.registerJvmMetrics(registry);
    this.timer =
        Executors.newScheduledThreadPool(
            options.measurementThreads(), DaemonThreads.named("rollguard-measure"));
    HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(timer).build();
    RollbacksInFlight rollbacks = new RollbacksInFlight();
    this.events = new EventRecorder(client, clock, identity(), rollbacks);
    Notifications notifications = Notifications.OFF;
    if (options.notificationTargetsName().isPresent()) {
      String namespace = options.notificationTargetsNamespace().orElseThrow();
      TokenCache secrets =
          new TokenCache(
              key ->
                  SecretKeys.read(
                      client,
                      key,
                      key.namespace() + "/" + key.name(),
                      "the chart's notifications.targets"),
              clock);
      this.notificationSender =
          new NotificationSender(
              NotificationSender.Settings.DEFAULT,
              ref -> secrets.get(new TokenCache.Key(namespace, ref.name(), ref.key())),
              metrics::notification,
              clock);
      this.notificationTargets =
          new TargetsWatch(
              namespace,
              options.notificationTargetsName().orElseThrow(),
              config ->
                  config
                      .targets()
                      .keySet()
                      .forEach(
                          target ->
                              metrics.notificationTarget(target, NotificationSender.OUTCOMES)));
      notifications =
          new Notifications(notificationTargets.source(), notificationTargets, notificationSender);
    } else {
      this.notificationSender = null;
      this.notificationTargets = null;
    }
    this.reconciler =
        new RolloutReconciler(
            new RolloutDecider(clock),
            new MeasurementJobs(client, options.prometheusUrl()),
            new ChangeApplier(
                client,
                new RevisionStore(client),
                new TemplateRestorer(client),
                hooks.beforeChange()),
            new NoticeSender(events, metrics, notifications),
            metrics,
            hooks.beforeStatusWrite(),
            options.statusRefreshInterval(),
            rollbacks);
    RoundsFirstExecutor reconcileThreads =
        new RoundsFirstExecutor(
            options.reconcileThreads(), DaemonThreads.named("rollguard-reconcile"));
    this.scheduler =
        new MeasurementScheduler(
            new PrometheusMetricsSource(http, metrics::queryCompleted),
            timer,
            clock,
            (rollout, kind) -> {
              // Ranked before the event is sent, so that the reconcile it causes is ranked.
              reconcileThreads.roundFinished(rollout, kind);
              reconciler.wake(rollout, kind);
            },
            metrics::measurementStarted);
    reconciler.useScheduler(scheduler);
    this.operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withConcurrentReconciliationThreads(options.reconcileThreads())
                  .withExecutorService(reconcileThreads)
                  .withCloseClientOnStop(false);
              if (options.leaderElection()) {
                // The SDK's own "exit when leadership stops" calls System.exit inside our shutdown
                // hook
                // (where it blocks forever); exit ourselves, outside the hook, only for a Lease
                // lost
                // while running, so that a fresh process campaigns again.
                var election =
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                            options.leaderElectionLease())
                        .withIdentity(identity())
                        .withExitOnStopLeading(false)
                        .withLeaderCallbacks(
                            new LeaderCallbacks(
                                () -> LOG.info("leading: this replica reconciles"),
                                this::lostLeadership,
                                leader -> LOG.info("current leader: {}", leader)));
                options.leaderElectionNamespace().ifPresent(election::withLeaseNamespace);
                o.withLeaderElectionConfiguration(election.build());
              }
            });
    operator.register(
        reconciler,
        override -> {
          override.withOnUpdateFilter(new OwnStatusEchoes());
          override.withReconciliationMaxInterval(options.resyncInterval());
          if (options.watchesAllNamespaces()) {
            override.watchingAllNamespaces();
          } else {
            override.settingNamespaces(options.namespaces());
          }
        });
  }

  private void lostLeadership() {
    if (stopping.get()) {
      return;
    }
    LOG.error(
        "lost the leader-election Lease while running; exiting so that a new process campaigns again");
    Thread exit = new Thread(() -> System.exit(1), "rollguard-lost-lease");
    exit.setDaemon(true);
    exit.start();
  }

  public void start() {
    metricsServer = MetricsServer.start(options.metricsPort(), registry);
    healthServer =
        HealthServer.start(
            options.healthPort(), reconciler::stalledReconcile, this::notReadyReason);
    if (notificationTargets != null) {
      // Before the first reconcile, so that its decisions already reach the targets.
      notificationTargets.start(client, Duration.ofSeconds(10));
    }
    operator.start();
    LOG.info(
        "Rollguard operator started ({}); metrics on port {}, health on port {}",
        options,
        metricsServer.port(),
        healthServer.port());
  }

  public int metricsPort() {
    return metricsServer.port();
  }

  public int healthPort() {
    return healthServer.port();
  }

  private Optional<String> notReadyReason() {
    var runtime = operator.getRuntimeInfo();
    if (!runtime.isStarted()) {
      return Optional.of("operator not started (waiting for caches or leadership)");
    }
    if (!runtime.allEventSourcesAreHealthy()) {
      return Optional.of("unhealthy event sources: " + runtime.unhealthyEventSources().keySet());
    }
    return Optional.empty();
  }

  /** Stops taking work, lets running reconciles finish, then closes the rest. */
  @Override
  public void close() {
    stopping.set(true);
    LOG.info("Rollguard operator stopping");
    operator.stop();
    scheduler.close();
    timer.shutdownNow();
    if (notificationTargets != null) {
      notificationTargets.close();
      notificationSender.close();
    }
    events.close();
    if (healthServer != null) {
      healthServer.close();
    }
    if (metricsServer != null) {
      metricsServer.close();
    }
    client.close();
  }

  private static KubernetesClient buildClient(OperatorOptions options, OperatorMetrics metrics) {
    KubernetesSerialization serialization = LeanSerialization.create();
    Optional<Config> config =
        options
            .kubeconfig()
            .map(
                path -> {
                  try {
                    return LeanSerialization.kubeconfig(serialization, Files.readString(path));
                  } catch (IOException e) {
                    throw new UncheckedIOException("cannot read --kubeconfig " + path, e);
                  }
                });
    KubernetesClientBuilder builder =
        new KubernetesClientBuilder()
            .withKubernetesSerialization(serialization)
            .withHttpClientFactory(new KubernetesHttpClients());
    config.ifPresent(builder::withConfig);
    builder.withHttpClientBuilderConsumer(
        http ->
            http.addOrReplaceInterceptor(
                KubernetesRequestCounter.NAME, new KubernetesRequestCounter(metrics)));
    return builder.build();
  }

  private static String identity() {
    String pod = System.getenv("POD_NAME");
    if (pod != null) {
      return pod;
    }
    try {
      return InetAddress.getLocalHost().getHostName() + "-" + ProcessHandle.current().pid();
    } catch (IOException e) {
      return "rollguard-" + ProcessHandle.current().pid();
    }
  }
}
