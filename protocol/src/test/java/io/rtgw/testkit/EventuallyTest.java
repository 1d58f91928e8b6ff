package io.rtgw.testkit;

import static io.rtgw.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The retried assertion the tests wait with: it passes late, fails with what it last saw, and stops on bugs. */
class EventuallyTest {

  @Test
  void a_check_that_passes_on_a_later_attempt_passes_and_a_probe_returns_its_value() {
    AtomicInteger attempts = new AtomicInteger();
    eventually(Duration.ofSeconds(5), Duration.ZERO, () -> assertThat(attempts.incrementAndGet()).isEqualTo(3));
    assertThat(attempts.get()).isEqualTo(3);

    AtomicInteger calls = new AtomicInteger();
    int value = eventually(Duration.ofSeconds(5), Duration.ZERO, () -> {
      int n = calls.incrementAndGet();
      assertThat(n).isGreaterThan(2);
      return n * 10;
    });
    assertThat(value).isEqualTo(30);
  }

  @Test
  void a_check_that_never_passes_throws_its_last_assertion_error_after_the_deadline() {
    AtomicInteger attempts = new AtomicInteger();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> eventually(Duration.ofMillis(200), Duration.ofMillis(10),
        () -> assertThat(attempts.incrementAndGet()).as("attempt").isNegative()))
        .isInstanceOf(AssertionError.class)
        .satisfies(e -> assertThat(e.getMessage()).contains("[attempt]").contains(String.valueOf(attempts.get())))
        .satisfies(e -> assertThat(e.getSuppressed()).singleElement()
            .satisfies(s -> assertThat(s.getMessage()).contains("attempts in").contains("allowed: 200 ms")));
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(200);
    assertThat(attempts.get()).isGreaterThan(1);
  }

  @Test
  void a_check_is_tried_once_even_with_no_time_allowed() {
    AtomicInteger attempts = new AtomicInteger();
    eventually(Duration.ZERO, () -> {
      attempts.incrementAndGet();
    });
    assertThat(attempts.get()).isEqualTo(1);
  }

  @Test
  void other_exceptions_are_not_retried() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> eventually(Duration.ofSeconds(5), () -> {
      attempts.incrementAndGet();
      throw new IllegalStateException("a bug");
    })).isInstanceOf(IllegalStateException.class).hasMessage("a bug");
    assertThat(attempts.get()).isEqualTo(1);

    assertThatThrownBy(() -> eventually(Duration.ofSeconds(5), () -> {
      attempts.incrementAndGet();
      throw new IOException("checked");
    })).isInstanceOf(AssertionError.class).hasCauseInstanceOf(IOException.class);
    assertThat(attempts.get()).isEqualTo(2);
  }
}
