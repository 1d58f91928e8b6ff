package io.rtgw.testkit;

import java.time.Duration;

/**
 * Waits for something that becomes true later, as an assertion that is retried: the check runs until it
 * returns without an {@link AssertionError} or the time is up, and then the last AssertionError is thrown,
 * so a failure says what was last seen.
 *
 * <p>Only AssertionErrors are retried: any other exception from the check ends the wait at once, as a
 * bug rather than a state not reached yet. A check that must tolerate failed calls turns them into
 * AssertionErrors (as {@link WsClient#await} does for futures). The check always runs at least once, also
 * after the deadline has passed in a slow attempt, so a deadline never fails a check that was not tried.
 *
 * <pre>{@code
 * eventually(Duration.ofSeconds(10), () -> assertThat(health().getString("status")).isEqualTo("UP"));
 * }</pre>
 */
public final class Eventually {

  /** How long to wait between attempts unless the caller says otherwise. */
  public static final Duration POLL = Duration.ofMillis(20);

  /** A check that may throw; it passes by returning. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  /** A check that passes by returning a value, which {@code eventually} returns. */
  @FunctionalInterface
  public interface Probe<T> {
    T get() throws Exception;
  }

  private Eventually() {
  }

  /** Retries {@code check} every {@link #POLL} until it passes or {@code within} is over. */
  public static void eventually(Duration within, Check check) {
    eventually(within, POLL, check);
  }

  /** Retries {@code check} every {@code every} until it passes or {@code within} is over. */
  public static void eventually(Duration within, Duration every, Check check) {
    eventually(within, every, () -> {
      check.run();
      return null;
    });
  }

  /** Retries {@code probe} every {@link #POLL} until it passes; returns what the passing attempt returned. */
  public static <T> T eventually(Duration within, Probe<T> probe) {
    return eventually(within, POLL, probe);
  }

  /** Retries {@code probe} every {@code every} until it passes; returns what the passing attempt returned. */
  public static <T> T eventually(Duration within, Duration every, Probe<T> probe) {
    long started = System.nanoTime();
    long deadline = started + within.toNanos();
    int attempts = 0;
    while (true) {
      attempts++;
      try {
        return probe.get();
      } catch (AssertionError e) {
        if (System.nanoTime() - deadline >= 0) {
          e.addSuppressed(new AssertionError("still failing after " + attempts + " attempts in "
              + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms (allowed: " + within.toMillis() + " ms)"));
          throw e;
        }
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError("the check failed with an exception rather than an assertion", e);
      }
      pause(every);
    }
  }

  private static void pause(Duration every) {
    if (every.isZero()) {
      return;
    }
    try {
      Thread.sleep(every.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting to retry", e);
    }
  }
}
