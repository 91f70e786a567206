package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What runs a pod's container on this machine: a {@code serving-runtime} process on the host JDK
 * ({@link ProcessContainers}) or a container of the image the pod names ({@link PodmanContainers}).
 * The {@link PodRunner} plays the kubelet above it (probes, restarts, status) the same for both.
 */
public interface Containers extends AutoCloseable {

  /** How {@code --pods} is spelled for this runner: {@code processes} or {@code containers}. */
  String mode();

  /**
   * Starts the container of {@code pod}. {@code env} is the container's env as a kubelet resolves
   * it, with {@code PORT} and {@code HOST} set for this machine; the runner adds what running here
   * needs (the model package, the kubeconfig, the termination message file). The container runs its
   * {@code args} (the image's own {@code serve} when it names none).
   */
  Running start(Pod pod, Container container, Map<String, String> env, Path logFile)
      throws StartFailure, IOException;

  /** The image ID the container status shows for {@code container}. */
  String imageId(Container container);

  /** Stops whatever is left; also done by a shutdown hook on Ctrl-C. */
  @Override
  void close();

  /** One started container. */
  interface Running {

    /** {@code containerID} as the status shows it, e.g. {@code podman://<id>}. */
    String id();

    /**
     * The local process whose life is the container's (the runtime's JVM, or {@code podman run}).
     */
    Process process();

    boolean alive();

    /** Once not alive: how it ended, as {@code lastState.terminated} shows it. */
    Exit exit();

    /** SIGTERM, SIGKILL after {@code grace}; returns once it has stopped. */
    void stop(Duration grace);

    /**
     * CPU time the container has used since it started, in nanoseconds (what metrics-server reads
     * from the kubelet's cgroup stats); empty when it cannot be read.
     */
    default java.util.OptionalLong cpuNanos() {
      return java.util.OptionalLong.empty();
    }
  }

  /**
   * How a container ended: its exit code, kubelet's reason (Completed, Error, OOMKilled) and its
   * termination message ({@link TerminationMessage}; null when it left none).
   */
  record Exit(int code, String reason, String message) {

    Exit(int code, String reason) {
      this(code, reason, null);
    }

    static Exit of(int code) {
      return new Exit(code, code == 0 ? "Completed" : "Error");
    }

    Exit withMessage(String message) {
      return new Exit(code, reason, message);
    }
  }

  /**
   * A container that could not be started, with the kubelet's waiting reason ({@code
   * CreateContainerConfigError}, {@code ErrImagePull}) and a message naming what is wrong.
   */
  final class StartFailure extends Exception {
    private final String reason;

    public StartFailure(String reason, String message) {
      super(message);
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }
}
