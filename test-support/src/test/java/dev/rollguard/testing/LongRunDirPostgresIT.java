package dev.rollguard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL starts however deep the run directory is. Run directories live under the checkout
 * ({@code <module>/target/platform/<TestClass>}), and a Unix-domain socket path may not exceed 107
 * bytes: from a long clone path PostgreSQL once failed to create its socket there and did not
 * start. Here the run directory alone is longer than that limit, wherever the clone is.
 */
class LongRunDirPostgresIT {

  /** sun_path holds 108 bytes including the terminating NUL. */
  private static final int SOCKET_PATH_LIMIT = 107;

  @Test
  void postgresStartsAndAnswersJdbcFromARunDirectoryLongerThanASocketPath()
      throws IOException, SQLException {
    Path base = Path.of("target", "platform", getClass().getSimpleName()).toAbsolutePath();
    Path runDir =
        base.resolve(
            "deep-" + "d".repeat(Math.max(1, SOCKET_PATH_LIMIT + 10 - base.toString().length())));
    assertThat(runDir.toString().getBytes(StandardCharsets.UTF_8).length)
        .isGreaterThan(SOCKET_PATH_LIMIT);

    long postgresPid;
    LocalPlatform spec = PostgresOnly.class.getAnnotation(LocalPlatform.class);
    try (Platform platform = new PlatformLauncher(RepoLayout.locate()).start(spec, runDir)) {
      postgresPid =
          Long.parseLong(Files.readString(runDir.resolve("pids/postgres.pid")).split(" ")[0]);
      try (Connection c = DriverManager.getConnection(platform.jdbcUrl());
          ResultSet rs =
              c.createStatement().executeQuery("select current_setting('data_directory')")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo(runDir.resolve("postgres/data").toString());
      }
    }
    assertThat(ProcessHandle.of(postgresPid).map(ProcessHandle::isAlive))
        .as("PostgreSQL after the platform was closed")
        .isNotEqualTo(Optional.of(true));
    assertThat(runDir.resolve("postgres")).as("data directory removed by down").doesNotExist();
  }

  /** Only the source of a {@link LocalPlatform} annotation; it has no tests of its own. */
  @LocalPlatform(postgres = true)
  private static final class PostgresOnly {}
}
