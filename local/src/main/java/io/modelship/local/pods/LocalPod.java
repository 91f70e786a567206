package io.modelship.local.pods;

import java.time.Duration;
import java.time.Instant;

/** What the pod runner knows of one pod it runs: its container, port and container state. */
final class LocalPod {

  enum State {
    STARTING,
    RUNNING,
    KILLING,
    BACKOFF,
    STOPPING
  }

  final String namespace;
  final String name;
  final String deployment;
  final String templateHash;
  final Instant created = Instant.now();
  final Readiness readiness;
  final Liveness liveness;
  Containers.Running container;
  int port;

  /** Where its runtime serves gRPC ({@code GRPC_PORT}). */
  int grpcPort;

  State state = State.STARTING;
  int restarts;
  Containers.Exit lastExit;
  Instant lastStartedAt;
  Instant lastFinishedAt;
  Instant startedAt;
  Instant restartAt;

  /**
   * Why the container is not running when it could not be started (kubelet's waiting reason), and
   * since when.
   */
  String waitingReason;

  String waitingMessage;
  Instant waitingSince;
  int startFailures;
  String imageId;

  /** terminationGracePeriodSeconds: how long a stopping container may drain before SIGKILL. */
  Duration grace = Duration.ofSeconds(30);

  LocalPod(
      String namespace,
      String name,
      String deployment,
      String templateHash,
      Readiness readiness,
      Liveness liveness) {
    this.readiness = readiness;
    this.liveness = liveness;
    this.namespace = namespace;
    this.name = name;
    this.deployment = deployment;
    this.templateHash = templateHash;
  }

  boolean ready() {
    return readiness.ready();
  }

  /** Stopped, stopping or restarted: out of its Services at once, readiness probed afresh. */
  void notReady() {
    readiness.reset();
  }

  String key() {
    return namespace + "/" + name;
  }

  String deploymentKey() {
    return namespace + "/" + deployment;
  }
}
