package io.modelship.local.pods;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelship.local.pods.JobProgress.Complete;
import io.modelship.local.pods.JobProgress.Fail;
import io.modelship.local.pods.JobProgress.Pods;
import io.modelship.local.pods.JobProgress.Spec;
import io.modelship.local.pods.JobProgress.StartPods;
import io.modelship.local.pods.JobProgress.Step;
import io.modelship.local.pods.JobProgress.Wait;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Job controller's next step, against the Kubernetes documentation's rules ("Jobs"). */
class JobProgressTest {

  static final Instant START = Instant.parse("2026-12-07T12:00:00Z");

  /** completions 1, parallelism 1, the given backoffLimit and deadline. */
  static Spec spec(int backoffLimit, Long deadline) {
    return new Spec(1, 1, backoffLimit, deadline);
  }

  static Instant at(int seconds) {
    return START.plusSeconds(seconds);
  }

  static Stream<Arguments> cases() {
    Fail backoff = new Fail("BackoffLimitExceeded", "Job has reached the specified backoff limit");
    Fail deadline = new Fail("DeadlineExceeded", "Job was active longer than specified deadline");
    return Stream.of(
        Arguments.of(
            "a new Job starts its pod",
            spec(0, null),
            new Pods(0, 0, 0, null),
            0,
            new StartPods(1)),
        Arguments.of(
            "a running pod is waited for", spec(0, null), new Pods(1, 0, 0, null), 5, new Wait()),
        Arguments.of(
            "one success completes it", spec(0, null), new Pods(0, 1, 0, null), 5, new Complete()),
        Arguments.of(
            "backoffLimit 0: the first failure fails it",
            spec(0, null),
            new Pods(0, 0, 1, at(3)),
            3,
            backoff),
        Arguments.of(
            "backoffLimit 1: a retry, but only 10 s after the failure",
            spec(1, null),
            new Pods(0, 0, 1, at(3)),
            12,
            new Wait()),
        Arguments.of(
            "backoffLimit 1: the retry at 10 s",
            spec(1, null),
            new Pods(0, 0, 1, at(3)),
            13,
            new StartPods(1)),
        Arguments.of(
            "backoffLimit 1: the second failure fails it",
            spec(1, null),
            new Pods(0, 0, 2, at(20)),
            20,
            backoff),
        Arguments.of(
            "backoffLimit 6: the third retry waits 40 s",
            spec(6, null),
            new Pods(0, 0, 3, at(100)),
            139,
            new Wait()),
        Arguments.of(
            "past activeDeadlineSeconds it fails, running or not",
            spec(0, 30L),
            new Pods(1, 0, 0, null),
            30,
            deadline),
        Arguments.of(
            "before the deadline it runs", spec(0, 30L), new Pods(1, 0, 0, null), 29, new Wait()),
        Arguments.of(
            "the backoff limit is checked before the deadline",
            spec(0, 30L),
            new Pods(0, 0, 1, at(10)),
            40,
            backoff),
        Arguments.of(
            "completions 3, parallelism 2: two at a time",
            new Spec(3, 2, 6, null),
            new Pods(0, 0, 0, null),
            0,
            new StartPods(2)),
        Arguments.of(
            "completions 3, parallelism 2: the last one alone",
            new Spec(3, 2, 6, null),
            new Pods(0, 2, 0, null),
            9,
            new StartPods(1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void nextStep(String what, Spec spec, Pods pods, int secondsAfterStart, Step expected) {
    assertThat(JobProgress.next(spec, pods, START, at(secondsAfterStart))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "after {0} failures: {1} s")
  @MethodSource("backoffs")
  void backOffDoublesFromTenSecondsToSixMinutes(int failures, long seconds) {
    assertThat(JobProgress.backoff(failures)).isEqualTo(Duration.ofSeconds(seconds));
  }

  static Stream<Arguments> backoffs() {
    return Stream.of(
        Arguments.of(1, 10),
        Arguments.of(2, 20),
        Arguments.of(3, 40),
        Arguments.of(6, 320),
        Arguments.of(7, 360),
        Arguments.of(30, 360));
  }
}
