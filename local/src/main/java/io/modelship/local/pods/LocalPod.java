package io.modelship.local.pods;

import java.time.Instant;

/** What the pod runner knows of one pod it runs: its process, port and container state. */
final class LocalPod {

  enum State { STARTING, RUNNING, BACKOFF, STOPPING }

  final String namespace;
  final String name;
  final String deployment;
  final String templateHash;
  final Instant created = Instant.now();
  final Readiness readiness;
  Process process;
  int port;
  State state = State.STARTING;
  int restarts;
  Integer lastExitCode;
  Instant lastFinishedAt;
  Instant startedAt;
  Instant restartAt;

  LocalPod(String namespace, String name, String deployment, String templateHash, Readiness readiness) {
    this.readiness = readiness;
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
