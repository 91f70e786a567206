package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.modelship.local.process.ChildProcesses;
import io.modelship.local.process.Java;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a pod's container as a {@code serving-runtime.jar serve} process on the host JDK: the image,
 * resources, security context and volumes are not applied (see {@link PodmanContainers} for a
 * runner that applies them). The model URI is mapped onto the package's host path.
 */
public final class ProcessContainers implements Containers {

  private final ChildProcesses processes;
  private final Path runtimeJar;
  private final PodCredentials credentials;
  private final ModelStore models;
  private final Path workDir;
  private final List<String> jvmOptions;

  /** Every pod reaches the API with {@code kubeconfig}. */
  public ProcessContainers(
      ChildProcesses processes,
      Path runtimeJar,
      Path kubeconfig,
      ModelStore models,
      Path workDir,
      List<String> jvmOptions) {
    this(processes, runtimeJar, PodCredentials.kubeconfig(kubeconfig), models, workDir, jvmOptions);
  }

  public ProcessContainers(
      ChildProcesses processes,
      Path runtimeJar,
      PodCredentials credentials,
      ModelStore models,
      Path workDir,
      List<String> jvmOptions) {
    this.processes = processes;
    this.runtimeJar = runtimeJar;
    this.credentials = credentials;
    this.models = models;
    this.workDir = workDir;
    this.jvmOptions = List.copyOf(jvmOptions);
  }

  @Override
  public String mode() {
    return "processes";
  }

  @Override
  public Running start(Pod pod, Container container, Map<String, String> podEnv, Path logFile)
      throws IOException {
    Map<String, String> env = new HashMap<>(podEnv);
    env.put("MODEL_URI", models.resolve(env.get("MODEL_URI")));
    if (env.containsKey("S3_ENDPOINT")) {
      env.put("S3_ENDPOINT", models.resolveS3Endpoint(env.get("S3_ENDPOINT")));
    }
    Path scratch =
        Files.createDirectories(workDir.resolve("pods").resolve(pod.getMetadata().getName()));
    env.putAll(credentials.forProcess(pod, scratch));
    env.put("MODEL_WORK_DIR", scratch.toString());
    List<String> command = new ArrayList<>();
    command.add(Java.launcher());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(runtimeJar.toString());
    command.add("serve");
    Process process = processes.start(command, env, logFile);
    return new Running() {
      @Override
      public String id() {
        return "process://" + process.pid();
      }

      @Override
      public Process process() {
        return process;
      }

      @Override
      public boolean alive() {
        return process.isAlive();
      }

      @Override
      public Exit exit() {
        return Exit.of(process.exitValue());
      }

      @Override
      public void stop(Duration grace) {
        processes.stop(process, grace);
      }

      /**
       * From {@code /proc/<pid>/stat} (utime + stime) of the runtime's JVM and anything it started.
       */
      @Override
      public java.util.OptionalLong cpuNanos() {
        ProcessHandle handle = process.toHandle();
        var own = handle.info().totalCpuDuration();
        if (own.isEmpty()) {
          return java.util.OptionalLong.empty();
        }
        long nanos = own.get().toNanos();
        for (ProcessHandle child : handle.descendants().toList()) {
          nanos += child.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }
        return java.util.OptionalLong.of(nanos);
      }
    };
  }

  @Override
  public String imageId(Container container) {
    return "local://" + runtimeJar.getFileName();
  }

  @Override
  public void close() {
    // the processes are ChildProcesses', which stops whatever is left
  }
}
