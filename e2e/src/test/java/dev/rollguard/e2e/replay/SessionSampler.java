package dev.rollguard.e2e.replay;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts one database's sessions in pg_stat_activity several times a second, straight from
 * PostgreSQL (no scrape in between), and keeps the peak: what a leak cost, whatever the guards saw.
 * Its own session is in another database, so it does not count itself.
 */
final class SessionSampler implements AutoCloseable {

  private final Connection connection;
  private final PreparedStatement count;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
  private final AtomicInteger latest = new AtomicInteger(-1);
  private final AtomicInteger peak = new AtomicInteger(-1);

  SessionSampler(String adminJdbcUrl, String database) {
    try {
      connection = DriverManager.getConnection(adminJdbcUrl);
      count =
          connection.prepareStatement("select count(*) from pg_stat_activity where datname = ?");
      count.setString(1, database);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    sample();
    loop.scheduleWithFixedDelay(this::sample, 200, 200, TimeUnit.MILLISECONDS);
  }

  private synchronized void sample() {
    try (ResultSet rs = count.executeQuery()) {
      rs.next();
      int n = rs.getInt(1);
      latest.set(n);
      peak.accumulateAndGet(n, Math::max);
    } catch (SQLException e) {
      // A refused sample (the database full of leaked sessions is not ours) is skipped.
    }
  }

  /** Sessions at the last sample. */
  int current() {
    return latest.get();
  }

  /** The most sessions seen since the start or the last {@link #resetPeak()}. */
  int peak() {
    return peak.get();
  }

  /** Starts a new peak from the current count. */
  void resetPeak() {
    peak.set(latest.get());
  }

  @Override
  public void close() {
    loop.shutdownNow();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException e) {
      // closing anyway
    }
  }
}
