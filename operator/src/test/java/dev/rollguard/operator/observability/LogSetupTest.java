package dev.rollguard.operator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class LogSetupTest {

  @AfterEach
  void clearProperties() {
    System.clearProperty(LogSetup.FORMAT);
    System.clearProperty("logback.configurationFile");
  }

  private static LoggerContext configured() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    LogSetup setup = new LogSetup();
    setup.setContext(context);
    assertThat(setup.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    return context;
  }

  private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, String name) {
    return (ConsoleAppender<ILoggingEvent>)
        context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(name);
  }

  @Test
  void textByDefaultOnStdoutAtInfoWithTheKubernetesClientAtWarn() {
    LoggerContext context = configured();

    ConsoleAppender<ILoggingEvent> console = console(context, "STDOUT");
    assertThat(console.isStarted()).isTrue();
    assertThat(console.getTarget()).isEqualTo("System.out");
    assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern())
        .contains("%-5level [%thread] %logger{36} - %msg%n");
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    assertThat(context.getLogger("io.fabric8.kubernetes.client").getEffectiveLevel())
        .isEqualTo(Level.WARN);
  }

  @Test
  void jsonWritesOneObjectPerLineWithTheFormattedMessage() throws Exception {
    System.setProperty(LogSetup.FORMAT, "json");
    LoggerContext context = configured();

    JsonEncoder encoder = (JsonEncoder) console(context, "STDOUT").getEncoder();
    var logger = context.getLogger("dev.rollguard.test");
    var event =
        new ch.qos.logback.classic.spi.LoggingEvent(
            Logger.class.getName(),
            logger,
            Level.INFO,
            "rolled back {}",
            null,
            new Object[] {"web"});
    String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
    assertThat(line).contains("\"formattedMessage\":\"rolled back web\"").endsWith("\n");
    assertThat(line.strip()).doesNotContain("\n");
  }

  @Test
  void quietWritesOnlyWarningsToStderr() {
    System.setProperty(LogSetup.FORMAT, "quiet");
    LoggerContext context = configured();

    assertThat(console(context, "STDERR").getTarget()).isEqualTo("System.err");
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("io.fabric8").getLevel()).isEqualTo(Level.ERROR);
  }

  @Test
  void aConfigurationFileNamedOnTheCommandLineTakesOver() {
    System.setProperty("logback.configurationFile", "/etc/rollguard/logback.xml");
    LoggerContext context = new LoggerContext();
    LogSetup setup = new LogSetup();
    setup.setContext(context);

    assertThat(setup.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext())
        .isFalse();
  }

  @Test
  void logbackFindsTheSetupAsAService() throws Exception {
    try (InputStream services =
        LogSetup.class.getResourceAsStream(
            "/META-INF/services/ch.qos.logback.classic.spi.Configurator")) {
      assertThat(new String(services.readAllBytes(), StandardCharsets.UTF_8).strip())
          .isEqualTo(LogSetup.class.getName());
    }
  }
}
