package dev.rollguard.operator;

import dev.rollguard.operator.api.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The operator's command line. Every option can also come from an environment variable, so a
 * Deployment manifest can configure the operator without rewriting its args.
 */
@Command(
    name = "rollguard-operator",
    sortOptions = false,
    description = "Guards every deploy of a Deployment and rolls it back when a guard is breached.")
public final class OperatorOptions {

  /** How log lines are written. */
  public enum LogFormat {
    TEXT,
    JSON
  }

  // An RFC 1123 label: what Kubernetes accepts as a namespace name.
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  // An RFC 1123 subdomain: what Kubernetes accepts as a Lease name.
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile(
          "(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  @Option(
      names = "--prometheus-url",
      paramLabel = "URL",
      defaultValue = "${env:ROLLGUARD_PROMETHEUS_URL:-}",
      description =
          "Prometheus queried by Rollouts that do not set spec.prometheus.address"
              + " (http or https). Env: ROLLGUARD_PROMETHEUS_URL. Default: none.")
  private String prometheusUrl;

  @Option(
      names = "--namespaces",
      paramLabel = "NS[,NS...]",
      defaultValue = "${env:ROLLGUARD_NAMESPACES:-}",
      description =
          "Comma-separated namespaces to watch; empty watches all namespaces."
              + " Env: ROLLGUARD_NAMESPACES. Default: all.")
  private String namespaces;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      defaultValue = "${env:ROLLGUARD_METRICS_PORT:-8080}",
      description =
          "Port of the Prometheus /metrics endpoint; 0 picks a free port."
              + " Env: ROLLGUARD_METRICS_PORT. Default: ${DEFAULT-VALUE}.")
  private int metricsPort;

  @Option(
      names = "--health-port",
      paramLabel = "PORT",
      defaultValue = "${env:ROLLGUARD_HEALTH_PORT:-8081}",
      description =
          "Port of /healthz and /readyz; 0 picks a free port."
              + " Env: ROLLGUARD_HEALTH_PORT. Default: ${DEFAULT-VALUE}.")
  private int healthPort;

  // arity 0..1 so "--leader-election=false" can override a "true" coming from the environment.
  @Option(
      names = "--leader-election",
      arity = "0..1",
      paramLabel = "BOOL",
      defaultValue = "${env:ROLLGUARD_LEADER_ELECTION:-false}",
      fallbackValue = "true",
      description =
          "Run as one of several replicas, only the Lease holder reconciling."
              + " Env: ROLLGUARD_LEADER_ELECTION. Default: ${DEFAULT-VALUE}.")
  private boolean leaderElection;

  @Option(
      names = "--leader-election-namespace",
      paramLabel = "NS",
      defaultValue = "${env:ROLLGUARD_LEADER_ELECTION_NAMESPACE:-}",
      description =
          "Namespace of the leader-election Lease."
              + " Env: ROLLGUARD_LEADER_ELECTION_NAMESPACE. Default: the operator's own namespace.")
  private String leaderElectionNamespace;

  @Option(
      names = "--leader-election-lease",
      paramLabel = "NAME",
      defaultValue = "${env:ROLLGUARD_LEADER_ELECTION_LEASE:-rollguard-operator}",
      description =
          "Name of the leader-election Lease."
              + " Env: ROLLGUARD_LEADER_ELECTION_LEASE. Default: ${DEFAULT-VALUE}.")
  private String leaderElectionLease;

  // No picocli env default on purpose: when absent, Fabric8's own discovery reads KUBECONFIG
  // (including a colon-separated list of files), then ~/.kube/config, then the in-cluster account.
  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description =
          "Kubeconfig file to use. Default: $KUBECONFIG, then ~/.kube/config,"
              + " then the in-cluster service account (Fabric8 discovery).")
  private Path kubeconfig;

  @Option(
      names = "--reconcile-threads",
      paramLabel = "N",
      defaultValue = "${env:ROLLGUARD_RECONCILE_THREADS:-50}",
      description =
          "Rollouts reconciled concurrently; measurement rounds that may decide a rollback"
              + " go first."
              + " Env: ROLLGUARD_RECONCILE_THREADS. Default: ${DEFAULT-VALUE}.")
  private int reconcileThreads;

  @Option(
      names = "--measurement-threads",
      paramLabel = "N",
      defaultValue = "${env:ROLLGUARD_MEASUREMENT_THREADS:-2}",
      description =
          "Prometheus queries run concurrently."
              + " Env: ROLLGUARD_MEASUREMENT_THREADS. Default: ${DEFAULT-VALUE}.")
  private int measurementThreads;

  @Option(
      names = "--resync-interval",
      paramLabel = "DURATION",
      defaultValue = "${env:ROLLGUARD_RESYNC_INTERVAL:-10m}",
      description =
          "Reconcile every Rollout at least this often, even when no event arrives (a safety net;"
              + " each one costs a decision, no API request when nothing changed)."
              + " Env: ROLLGUARD_RESYNC_INTERVAL. Default: ${DEFAULT-VALUE}.")
  private String resyncInterval;

  private Duration parsedResyncInterval;

  @Option(
      names = "--status-refresh-interval",
      paramLabel = "DURATION",
      defaultValue = "${env:ROLLGUARD_STATUS_REFRESH_INTERVAL:-1m}",
      description =
          "A passing measurement that changes nothing but the guards' values is written to the"
              + " Rollout's status at most this often (breaches, verdicts and decisions are written"
              + " at once; the live values are in the metrics). 0s writes every measurement."
              + " Env: ROLLGUARD_STATUS_REFRESH_INTERVAL. Default: ${DEFAULT-VALUE}.")
  private String statusRefreshInterval;

  private Duration parsedStatusRefreshInterval;

  @Option(
      names = "--notification-targets",
      paramLabel = "NAMESPACE/NAME",
      defaultValue = "${env:ROLLGUARD_NOTIFICATION_TARGETS:-}",
      description =
          "ConfigMap defining the notification targets (key targets.yaml); their URLs and tokens"
              + " are read from Secrets in its namespace. Env: ROLLGUARD_NOTIFICATION_TARGETS."
              + " Default: none, notifications off.")
  private String notificationTargets;

  private String[] parsedNotificationTargets;

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "${env:ROLLGUARD_LOG_FORMAT:-text}",
      description = "Log line format: text or json. Env: ROLLGUARD_LOG_FORMAT. Default: text.")
  private LogFormat logFormat;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Print this help and exit.")
  private boolean helpRequested;

  // Derived once by validate(), so getters stay cheap and cannot fail.
  private URI parsedPrometheusUrl;
  private Set<String> parsedNamespaces = Set.of();

  private OperatorOptions() {}

  /**
   * Parses and validates the command line (environment variables supply the defaults).
   *
   * @throws IllegalArgumentException naming the offending flag, when an option is unknown,
   *     malformed or out of range
   */
  public static OperatorOptions parse(String... args) {
    OperatorOptions options = new OperatorOptions();
    try {
      commandLine(options).parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    if (!options.helpRequested) {
      options.validate();
    }
    return options;
  }

  /** The usage text, for --help and for error messages. */
  public static String usage() {
    return commandLine(new OperatorOptions()).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  // Enum constants are upper case in Java, lower case on the command line ("--log-format json").
  private static CommandLine commandLine(OperatorOptions options) {
    return new CommandLine(options).setCaseInsensitiveEnumValuesAllowed(true);
  }

  private void validate() {
    parsedPrometheusUrl = prometheusUrl.isBlank() ? null : httpUrl(prometheusUrl.strip());
    parsedNamespaces = namespaceSet(namespaces);
    requirePort("--metrics-port", metricsPort);
    requirePort("--health-port", healthPort);
    if (metricsPort != 0 && metricsPort == healthPort) {
      throw invalid("--metrics-port and --health-port", "must differ, both are " + metricsPort);
    }
    if (!leaderElectionNamespace.isBlank()) {
      requireMatch("--leader-election-namespace", leaderElectionNamespace, DNS_LABEL);
    }
    requireMatch("--leader-election-lease", leaderElectionLease, DNS_SUBDOMAIN);
    requirePositive("--reconcile-threads", reconcileThreads);
    requirePositive("--measurement-threads", measurementThreads);
    try {
      parsedResyncInterval = Durations.parse(resyncInterval.strip());
    } catch (IllegalArgumentException e) {
      throw invalid("--resync-interval", e.getMessage());
    }
    if (parsedResyncInterval.compareTo(Duration.ofSeconds(10)) < 0) {
      throw invalid("--resync-interval", "must be at least 10s, is " + resyncInterval);
    }
    try {
      parsedStatusRefreshInterval = Durations.parse(statusRefreshInterval.strip());
    } catch (IllegalArgumentException e) {
      throw invalid("--status-refresh-interval", e.getMessage());
    }
    parsedNotificationTargets = null;
    if (!notificationTargets.isBlank()) {
      String[] parts = notificationTargets.strip().split("/", -1);
      if (parts.length != 2) {
        throw invalid(
            "--notification-targets",
            "expected NAMESPACE/NAME of a ConfigMap, got '" + notificationTargets + "'");
      }
      requireMatch("--notification-targets", parts[0], DNS_LABEL);
      requireMatch("--notification-targets", parts[1], DNS_SUBDOMAIN);
      parsedNotificationTargets = parts;
    }
  }

  private static URI httpUrl(String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // reported below, with the same message as any other malformed URL
    }
    throw invalid(
        "--prometheus-url",
        "expected an http(s) URL such as http://prometheus:9090, got '" + value + "'");
  }

  private static Set<String> namespaceSet(String value) {
    Set<String> names =
        Arrays.stream(value.split(","))
            .map(String::strip)
            .filter(name -> !name.isEmpty())
            .collect(Collectors.toCollection(LinkedHashSet::new));
    names.forEach(name -> requireMatch("--namespaces", name, DNS_LABEL));
    return Collections.unmodifiableSet(names);
  }

  private static void requirePort(String flag, int port) {
    if (port < 0 || port > 65535) {
      throw invalid(flag, "must be between 0 and 65535, got " + port);
    }
  }

  private static void requirePositive(String flag, int value) {
    if (value < 1) {
      throw invalid(flag, "must be at least 1, got " + value);
    }
  }

  private static void requireMatch(String flag, String value, Pattern pattern) {
    if (!pattern.matcher(value).matches()) {
      throw invalid(flag, "'" + value + "' is not a valid Kubernetes name");
    }
  }

  private static IllegalArgumentException invalid(String flag, String problem) {
    return new IllegalArgumentException("Invalid value for option '" + flag + "': " + problem);
  }

  /** Default Prometheus for Rollouts without spec.prometheus.address. */
  public Optional<URI> prometheusUrl() {
    return Optional.ofNullable(parsedPrometheusUrl);
  }

  /** Namespaces to watch; empty means all namespaces. */
  public Set<String> namespaces() {
    return parsedNamespaces;
  }

  public boolean watchesAllNamespaces() {
    return parsedNamespaces.isEmpty();
  }

  /** 0 means pick a free port. */
  public int metricsPort() {
    return metricsPort;
  }

  /** 0 means pick a free port. */
  public int healthPort() {
    return healthPort;
  }

  public boolean leaderElection() {
    return leaderElection;
  }

  /** Empty means the operator's own namespace. */
  public Optional<String> leaderElectionNamespace() {
    return leaderElectionNamespace.isBlank()
        ? Optional.empty()
        : Optional.of(leaderElectionNamespace);
  }

  public String leaderElectionLease() {
    return leaderElectionLease;
  }

  /** Empty means Fabric8's default discovery (KUBECONFIG, ~/.kube/config, in-cluster). */
  public Optional<Path> kubeconfig() {
    return Optional.ofNullable(kubeconfig);
  }

  public int reconcileThreads() {
    return reconcileThreads;
  }

  public int measurementThreads() {
    return measurementThreads;
  }

  public Duration resyncInterval() {
    return parsedResyncInterval;
  }

  public Duration statusRefreshInterval() {
    return parsedStatusRefreshInterval;
  }

  /** The namespace of the notification targets ConfigMap; empty: notifications off. */
  public Optional<String> notificationTargetsNamespace() {
    return parsedNotificationTargets == null
        ? Optional.empty()
        : Optional.of(parsedNotificationTargets[0]);
  }

  /** The name of the notification targets ConfigMap; empty: notifications off. */
  public Optional<String> notificationTargetsName() {
    return parsedNotificationTargets == null
        ? Optional.empty()
        : Optional.of(parsedNotificationTargets[1]);
  }

  public LogFormat logFormat() {
    return logFormat;
  }

  /** True when --help was given; the other options are then not validated. */
  public boolean helpRequested() {
    return helpRequested;
  }

  /** One line with the effective settings, for the startup log. */
  @Override
  public String toString() {
    return "prometheusUrl="
        + prometheusUrl().map(OperatorOptions::withoutUserInfo).orElse("(none)")
        + " namespaces="
        + (watchesAllNamespaces() ? "(all)" : String.join(",", parsedNamespaces))
        + " metricsPort="
        + metricsPort
        + " healthPort="
        + healthPort
        + " leaderElection="
        + leaderElection
        + " leaderElectionNamespace="
        + leaderElectionNamespace().orElse("(own)")
        + " leaderElectionLease="
        + leaderElectionLease
        + " kubeconfig="
        + kubeconfig().map(Path::toString).orElse("(discovered)")
        + " reconcileThreads="
        + reconcileThreads
        + " measurementThreads="
        + measurementThreads
        + " resyncInterval="
        + Durations.format(parsedResyncInterval)
        + " statusRefreshInterval="
        + Durations.format(parsedStatusRefreshInterval)
        + " notificationTargets="
        + (parsedNotificationTargets == null
            ? "(none)"
            : String.join("/", parsedNotificationTargets))
        + " logFormat="
        + logFormat.name().toLowerCase(Locale.ROOT);
  }

  // A URL may carry user:password; the startup log must not.
  private static String withoutUserInfo(URI uri) {
    if (uri.getRawUserInfo() == null) {
      return uri.toString();
    }
    return uri.toString().replace(uri.getRawUserInfo() + "@", "***@");
  }
}
