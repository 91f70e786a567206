package io.modelship.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.runtime.server.ServeConfig.BodyTiming;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How long a body's next read may wait: until its deadline, or until it would fall below the
 * minimum rate.
 */
class RequestBodyTest {

  @ParameterizedTest(name = "{0} B after {1} ms at {2} B/s within {3} s: wait {4} ms")
  @CsvSource({
    // bytes, elapsed ms, min rate, timeout s, allowed wait ms
    "0, 0, 8192, 30, 1000", // the first second is free
    "0, 999, 8192, 30, 1",
    "0, 1000, 8192, 30, 0", // nothing after a second: too slow now
    "8192, 1000, 8192, 30, 1000", // a second's worth bought a second
    "16384, 1500, 8192, 30, 1500", // ahead of the rate: 1 s + 2 s - 1.5 s
    "1000000, 29000, 8192, 30, 1000", // far ahead: the deadline decides
    "1000000, 30000, 8192, 30, 0",
    "0, 5000, 0, 30, 25000", // no minimum rate: only the deadline
  })
  void theNextReadWaitsUntilTheDeadlineOrTheRateWouldBreak(
      long bytes, long elapsed, long rate, long timeout, long wait) {
    assertThat(
            RequestBody.allowedWaitMillis(
                new BodyTiming(Duration.ofSeconds(timeout), rate), bytes, elapsed))
        .isEqualTo(wait);
  }
}
