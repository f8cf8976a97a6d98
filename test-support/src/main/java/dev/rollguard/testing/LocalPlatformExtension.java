package dev.rollguard.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts the platform a {@link LocalPlatform} class asks for before its first test and stops it
 * after its last one. The {@link Platform} lives in the class's extension store, which JUnit closes
 * however the tests ended; a JVM shutdown hook covers a JVM that is told to exit first.
 */
public final class LocalPlatformExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalPlatformExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    LocalPlatform spec =
        AnnotationSupport.findAnnotation(testClass, LocalPlatform.class)
            .orElseThrow(
                () -> new IllegalStateException(testClass + " is not annotated @LocalPlatform"));
    Path runDir = Path.of("target", "platform", testClass.getSimpleName()).toAbsolutePath();
    Platform platform = new PlatformLauncher(RepoLayout.locate()).start(spec, runDir);
    context.getStore(NAMESPACE).put(Platform.class, new StoredPlatform(platform));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Platform.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    StoredPlatform stored = context.getStore(NAMESPACE).get(Platform.class, StoredPlatform.class);
    if (stored == null) {
      throw new IllegalStateException(
          "the local platform is not running for " + context.getDisplayName());
    }
    return stored.platform;
  }

  /** Closes the platform when JUnit closes the store, or when the JVM shuts down first. */
  private static final class StoredPlatform implements AutoCloseable {
    private final Platform platform;
    private final Thread shutdownHook;

    StoredPlatform(Platform platform) {
      this.platform = platform;
      this.shutdownHook = new Thread(platform::close, "local-platform-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public void close() {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The hook runs (or ran) and closes the platform itself.
        return;
      }
      platform.close();
    }
  }
}
