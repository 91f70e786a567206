package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.modelship.api.retraining.RetrainJob;
import io.modelship.api.runtime.RuntimeEnvironment;
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
 * Runs a pod's container as a {@code serving-runtime.jar} process on the host JDK, with the
 * container's {@code args} ({@code serve} when it names none, as the image's CMD): the image,
 * resources, security context and volumes are not applied (see {@link PodmanContainers} for a
 * runner that applies them). A container with a {@code command} of its own is refused: what the
 * host runs is the runtime jar only, never a command a pod spec names. The model URIs are mapped
 * onto the packages' host paths, the S3 endpoint onto the embedded store's port, and the
 * termination message file onto a file of the pod's, named by {@code RETRAIN_RESULT_FILE} (where
 * the runtime's {@code retrain} writes its result).
 */
public final class ProcessContainers implements Containers {

  /** The env that names model packages, mapped onto the packages on this machine. */
  static final List<String> PACKAGE_URIS =
      List.of(RuntimeEnvironment.MODEL_URI, RetrainJob.FROM_URI);

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
      throws StartFailure, IOException {
    if (container.getCommand() != null && !container.getCommand().isEmpty()) {
      throw new StartFailure(
          "CreateContainerConfigError",
          "container "
              + container.getName()
              + " names a command of its own ("
              + String.join(" ", container.getCommand())
              + "): with --pods processes only the serving-runtime jar runs, with the container's"
              + " args; run its image with --pods containers");
    }
    Map<String, String> env = new HashMap<>(podEnv);
    for (String name : PACKAGE_URIS) {
      if (env.get(name) != null) {
        env.put(name, models.resolve(env.get(name)));
      }
    }
    if (env.containsKey(RuntimeEnvironment.S3_ENDPOINT)) {
      env.put(
          RuntimeEnvironment.S3_ENDPOINT,
          models.resolveS3Endpoint(env.get(RuntimeEnvironment.S3_ENDPOINT)));
    }
    Path scratch =
        Files.createDirectories(workDir.resolve("pods").resolve(pod.getMetadata().getName()));
    env.putAll(credentials.forProcess(pod, scratch));
    env.put("MODEL_WORK_DIR", scratch.toString());
    TerminationMessage message = TerminationMessage.prepare(container, scratch, logFile);
    String resultFile = env.get(RetrainJob.RESULT_FILE_ENV);
    if (resultFile == null || resultFile.equals(TerminationMessage.path(container))) {
      env.put(RetrainJob.RESULT_FILE_ENV, message.file().toString());
    }
    List<String> command = new ArrayList<>();
    command.add(Java.launcher());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(runtimeJar.toString());
    command.addAll(
        container.getArgs() == null || container.getArgs().isEmpty()
            ? List.of("serve")
            : container.getArgs());
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
        int code = process.exitValue();
        return Exit.of(code).withMessage(message.read(code));
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
