package dev.rollguard.operator.observability;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;

/**
 * The operator's logging, set up in code when logback starts (registered as logback's {@code
 * Configurator} service). Logback's XML configuration loads an XML parser and its configuration
 * model, about 380 classes that stay resident for the whole run (docs/benchmarks.md, memory at 100
 * Rollouts); this does the same in a few lines.
 *
 * <p>The format comes from the system property {@value #FORMAT}: {@code text} (the default), {@code
 * json} (one JSON object per line) or {@code quiet} (warnings and errors on stderr, for one-shot
 * commands). A configuration file named with {@code -Dlogback.configurationFile} still takes over,
 * as logback documents.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

  /** text, json or quiet; read once, when the first logger is created. */
  public static final String FORMAT = "rollguard.log.format";

  private static final String TEXT_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";
  private static final String QUIET_PATTERN = "%-5level %logger{36} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    String format = System.getProperty(FORMAT, "text").toLowerCase(Locale.ROOT);
    boolean quiet = format.equals("quiet");
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName(quiet ? "STDERR" : "STDOUT");
    if (quiet) {
      console.setTarget("System.err");
    }
    console.setEncoder(format.equals("json") ? json(context) : pattern(context, quiet));
    console.start();
    var root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(quiet ? Level.WARN : Level.INFO);
    root.addAppender(console);
    // The Kubernetes client logs every retried request at INFO; its warnings are what matter.
    context.getLogger("io.fabric8").setLevel(quiet ? Level.ERROR : Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static Encoder<ILoggingEvent> pattern(LoggerContext context, boolean quiet) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(quiet ? QUIET_PATTERN : TEXT_PATTERN);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithFormattedMessage(true);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithContext(false);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.start();
    return encoder;
  }
}
