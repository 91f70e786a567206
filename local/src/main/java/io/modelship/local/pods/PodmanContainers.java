package io.modelship.local.pods;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.modelship.api.runtime.RuntimeEnvironment;
import io.modelship.local.process.ChildProcesses;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a pod's container as a podman container of the image its spec names, with the pod spec
 * applied as a kubelet applies it: the security context (user and group, runAsNonRoot checked
 * against the image's user, read-only root filesystem, capabilities, no-new-privileges, seccomp),
 * memory and CPU limits as cgroup limits, {@code emptyDir} volumes as tmpfs of their {@code
 * sizeLimit}, command and args, the termination message file at its {@code terminationMessagePath}.
 * The image must be in podman's local store: local mode never pulls, and a missing image is the
 * pod's {@code ErrImagePull}.
 *
 * <p>Containers share the host's network, as every pod of local mode shares 127.0.0.1: the runtime
 * reaches the embedded API and the embedded S3 store on the loopback address, and the router
 * reaches each pod on its own {@code PORT}. Every container is named and labelled with this run's
 * prefix and removed on close and by a shutdown hook, so a Ctrl-C leaves none behind.
 */
public final class PodmanContainers implements Containers {

  private static final Logger log = LoggerFactory.getLogger(PodmanContainers.class);

  /** The label naming the run a container belongs to. */
  public static final String RUN_LABEL = "io.modelship.local.run";

  /** Where the model package is mounted, read-only, in the container. */
  static final String MOUNTS = "/var/run/modelship";

  private static final Pattern LIMIT =
      Pattern.compile("^Max (open files|processes)\\s+(\\d+|unlimited)\\s+(\\d+|unlimited)");

  /** A pod's threads, all of them: the runtime runs about a hundred. */
  private static final long MAX_NPROC = 32768;

  private final List<String> podman;
  private final ChildProcesses processes;
  private final PodCredentials credentials;
  private final ModelStore models;
  private final Path workDir;
  private final String runId;
  private final List<String> ulimits;
  private final Thread hook = new Thread(this::removeAll, "remove-local-containers");
  private volatile boolean closed;

  /** Every pod reaches the API with a copy of {@code kubeconfig}. */
  public PodmanContainers(
      ChildProcesses processes, Path kubeconfig, ModelStore models, Path workDir) {
    this(processes, PodCredentials.kubeconfig(kubeconfig), models, workDir);
  }

  public PodmanContainers(
      ChildProcesses processes, PodCredentials credentials, ModelStore models, Path workDir) {
    this.podman = command();
    this.processes = processes;
    this.credentials = credentials;
    this.models = models;
    this.workDir = workDir;
    this.runId =
        "modelship-local-"
            + Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36);
    this.ulimits = ulimits();
    Runtime.getRuntime().addShutdownHook(hook);
    log.info("containers of this run: {}-<pod name>, label {}={}", runId, RUN_LABEL, runId);
  }

  /**
   * podman with the settings that work on hosts with a hybrid cgroup layout, where crun refuses to
   * start containers: runc when installed, cgroupfs as the cgroup manager.
   */
  public static List<String> command() {
    List<String> command = new ArrayList<>(List.of("podman"));
    if (onPath("runc")) {
      command.addAll(List.of("--runtime", "runc"));
    }
    command.addAll(List.of("--cgroup-manager", "cgroupfs"));
    return command;
  }

  /** Why containers cannot run here (podman missing or not answering), or empty when they can. */
  public static Optional<String> unavailable() {
    if (!onPath("podman")) {
      return Optional.of("podman is not installed");
    }
    Result version =
        run(
            concat(command(), "version", "--format", "{{.Client.Version}}"),
            Duration.ofSeconds(20));
    return version.code() == 0
        ? Optional.empty()
        : Optional.of(
            "podman does not answer (`podman version` exited with "
                + version.code()
                + ": "
                + version.output().strip()
                + ")");
  }

  /** Whether {@code image} is in podman's local image store. */
  public static boolean hasImage(String image) {
    return run(concat(command(), "image", "exists", image), Duration.ofSeconds(20)).code() == 0;
  }

  /** The prefix of every container name of this run, and the value of its {@link #RUN_LABEL}. */
  public String runId() {
    return runId;
  }

  @Override
  public String mode() {
    return "containers";
  }

  @Override
  public Running start(Pod pod, Container container, Map<String, String> podEnv, Path logFile)
      throws StartFailure, IOException {
    if (closed) {
      throw new IOException("local mode is stopping");
    }
    String image = container.getImage();
    Result inspect =
        run(
            concat(podman, "image", "inspect", "--format", "{{.Config.User}}", image),
            Duration.ofSeconds(30));
    if (image == null || image.isBlank() || inspect.code() != 0) {
      throw new StartFailure(
          "ErrImagePull",
          "image \""
              + image
              + "\" is not in podman's local image store "
              + "(local mode never pulls; build the images with images/build.sh)");
    }
    List<String> options = runOptions(pod, container, inspect.output().strip());

    String name = runId + "-" + pod.getMetadata().getName();
    Path dir =
        Files.createDirectories(workDir.resolve("pods").resolve(pod.getMetadata().getName()));
    Path cidFile = dir.resolve("container-id");
    Files.deleteIfExists(cidFile);
    Map<String, String> env = new LinkedHashMap<>(podEnv);
    // The pod's ServiceAccount token, owned by the container's user (podman's U), as a kubelet
    // makes a projected token readable by the pod's user.
    PodCredentials.Mounted credential = credentials.forContainer(pod, dir);
    List<String> mounts = new ArrayList<>();
    credential
        .mounts()
        .forEach(
            (host, inside) -> mounts.addAll(List.of("--volume", host + ":" + inside + ":ro,U")));
    env.putAll(credential.env());
    for (String variable : ProcessContainers.PACKAGE_URIS) {
      String uri = env.get(variable);
      Optional<Path> pkg =
          uri == null || uri.startsWith("file:") || uri.startsWith("pvc:") || uri.startsWith("s3:")
              ? Optional.empty()
              : models.local(uri);
      if (pkg.isPresent()) {
        String inside = MOUNTS + "/models/" + pkg.get().getFileName();
        if (!mounts.contains(pkg.get() + ":" + inside + ":ro")) {
          mounts.addAll(List.of("--volume", pkg.get() + ":" + inside + ":ro"));
        }
        env.put(variable, "file://" + inside);
      }
    }
    // Containers share the host's network, so the embedded S3 store's loopback port is theirs too.
    if (env.containsKey(RuntimeEnvironment.S3_ENDPOINT)) {
      env.put(
          RuntimeEnvironment.S3_ENDPOINT,
          models.resolveS3Endpoint(env.get(RuntimeEnvironment.S3_ENDPOINT)));
    }
    // The termination message file, bind-mounted where the container writes it, as a kubelet does.
    TerminationMessage message = TerminationMessage.prepare(container, dir, logFile);
    mounts.addAll(
        List.of(
            "--volume",
            message.file().toAbsolutePath() + ":" + TerminationMessage.path(container)));
    List<String> command = new ArrayList<>(podman);
    command.addAll(
        List.of(
            "run",
            "--name",
            name,
            "--label",
            RUN_LABEL + "=" + runId,
            "--label",
            "io.kubernetes.pod.name=" + pod.getMetadata().getName(),
            "--label",
            "io.kubernetes.pod.namespace=" + pod.getMetadata().getNamespace(),
            "--pull",
            "never",
            "--network",
            "host",
            "--cidfile",
            cidFile.toString(),
            "--sig-proxy=false"));
    command.addAll(ulimits);
    command.addAll(mounts);
    // By name only: podman takes the values from its own environment, so no secret is on a command
    // line.
    env.keySet().forEach(k -> command.addAll(List.of("--env", k)));
    command.addAll(options);
    log.debug(
        "pod {}/{}: {}", pod.getMetadata().getNamespace(), pod.getMetadata().getName(), command);
    Process process = processes.start(command, env, logFile);
    PodmanContainer started = new PodmanContainer(name, cidFile, process, message);
    Thread.ofVirtual().name("oom-watch-" + name).start(started::watchForOom);
    return started;
  }

  /**
   * The {@code podman run} options that apply {@code container}'s part of the pod spec, up to and
   * including the image and its args; a spec this machine cannot honour, or a root image under
   * {@code runAsNonRoot}, is a {@link StartFailure} as the kubelet's CreateContainerConfigError is.
   */
  static List<String> runOptions(Pod pod, Container container, String imageUser)
      throws StartFailure {
    String where =
        "(pod: \""
            + pod.getMetadata().getName()
            + "_"
            + pod.getMetadata().getNamespace()
            + "("
            + pod.getMetadata().getUid()
            + ")\", container: "
            + container.getName()
            + ")";
    PodSecurityContext podSc =
        Optional.ofNullable(pod.getSpec().getSecurityContext()).orElseGet(PodSecurityContext::new);
    SecurityContext sc =
        Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);
    List<String> o = new ArrayList<>();

    Long uid = first(sc.getRunAsUser(), podSc.getRunAsUser());
    Long gid = first(sc.getRunAsGroup(), podSc.getRunAsGroup());
    if (Boolean.TRUE.equals(first(sc.getRunAsNonRoot(), podSc.getRunAsNonRoot()))) {
      if (uid != null) {
        if (uid == 0) {
          throw new StartFailure(
              "CreateContainerConfigError",
              "container's runAsUser breaks non-root policy " + where);
        }
      } else {
        String user = imageUser == null ? "" : imageUser.split(":", 2)[0];
        if (user.isEmpty() || user.equals("0")) {
          throw new StartFailure(
              "CreateContainerConfigError",
              "container has runAsNonRoot and image will run as root " + where);
        }
        if (!user.chars().allMatch(Character::isDigit)) {
          throw new StartFailure(
              "CreateContainerConfigError",
              "container has runAsNonRoot and image has non-numeric user ("
                  + user
                  + "), cannot verify user is non-root "
                  + where);
        }
      }
    }
    if (uid != null || gid != null) {
      String user =
          uid != null
              ? uid.toString()
              : imageUser == null || imageUser.isEmpty() ? "0" : imageUser.split(":", 2)[0];
      o.addAll(List.of("--user", gid == null ? user : user + ":" + gid));
    }
    if (podSc.getFsGroup() != null) {
      o.addAll(List.of("--group-add", podSc.getFsGroup().toString()));
    }
    for (Long group : Optional.ofNullable(podSc.getSupplementalGroups()).orElse(List.of())) {
      o.addAll(List.of("--group-add", group.toString()));
    }
    if (Boolean.TRUE.equals(sc.getPrivileged())) {
      o.add("--privileged");
    }
    if (Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
      // podman would otherwise mount writable tmpfs on /tmp, /run and /var/tmp; a kubelet does not.
      o.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
    }
    Capabilities caps = sc.getCapabilities();
    if (caps != null) {
      Optional.ofNullable(caps.getDrop())
          .orElse(List.of())
          .forEach(c -> o.addAll(List.of("--cap-drop", c)));
      Optional.ofNullable(caps.getAdd())
          .orElse(List.of())
          .forEach(c -> o.addAll(List.of("--cap-add", c)));
    }
    if (Boolean.FALSE.equals(sc.getAllowPrivilegeEscalation())) {
      o.addAll(List.of("--security-opt", "no-new-privileges"));
    }
    SeccompProfile seccomp = first(sc.getSeccompProfile(), podSc.getSeccompProfile());
    String seccompType =
        seccomp == null ? "Unconfined" : seccomp.getType(); // the kubelet's default
    switch (seccompType) {
      case "RuntimeDefault" -> {} // podman's default profile is the container runtime's default
      case "Unconfined" -> o.addAll(List.of("--security-opt", "seccomp=unconfined"));
      default ->
          throw new StartFailure(
              "CreateContainerConfigError",
              "seccomp profile "
                  + seccompType
                  + " is not supported in local mode (RuntimeDefault and Unconfined are) "
                  + where);
    }

    var resources = container.getResources();
    Map<String, Quantity> limits =
        resources == null || resources.getLimits() == null ? Map.of() : resources.getLimits();
    if (limits.containsKey("memory")) {
      String bytes =
          Quantity.getAmountInBytes(limits.get("memory"))
              .setScale(0, RoundingMode.UP)
              .toPlainString();
      o.addAll(List.of("--memory", bytes, "--memory-swap", bytes)); // no swap, as on a node
    }
    if (limits.containsKey("cpu")) {
      o.addAll(
          List.of(
              "--cpus",
              Quantity.getAmountInBytes(limits.get("cpu")).stripTrailingZeros().toPlainString()));
    }
    // Requests are not CPU shares here: beside the host's processes (1024 shares each) a 250m
    // request (256) would get a quarter of an ordinary process's CPU, which no node gives a pod.

    Map<String, Volume> volumes =
        Optional.ofNullable(pod.getSpec().getVolumes()).orElse(List.of()).stream()
            .collect(Collectors.toMap(Volume::getName, Function.identity(), (a, b) -> a));
    for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
      Volume volume = volumes.get(mount.getName());
      if (volume == null) {
        throw new StartFailure(
            "CreateContainerConfigError",
            "volumeMount " + mount.getName() + " names no volume of the pod " + where);
      }
      if (volume.getEmptyDir() == null) {
        throw new StartFailure(
            "CreateContainerConfigError",
            "volume "
                + mount.getName()
                + " cannot be mounted in local mode: only emptyDir volumes are "
                + where);
      }
      if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
        throw new StartFailure(
            "CreateContainerConfigError",
            "volumeMount " + mount.getName() + ": subPath is not supported in local mode " + where);
      }
      StringBuilder tmpfs =
          new StringBuilder(mount.getMountPath())
              .append(':')
              .append(Boolean.TRUE.equals(mount.getReadOnly()) ? "ro" : "rw")
              .append(",nosuid,nodev,mode=1777");
      if (volume.getEmptyDir().getSizeLimit() != null) {
        tmpfs
            .append(",size=")
            .append(
                Quantity.getAmountInBytes(volume.getEmptyDir().getSizeLimit())
                    .setScale(0, RoundingMode.UP)
                    .toPlainString());
      }
      o.addAll(List.of("--tmpfs", tmpfs.toString()));
    }

    if (container.getWorkingDir() != null && !container.getWorkingDir().isEmpty()) {
      o.addAll(List.of("--workdir", container.getWorkingDir()));
    }
    List<String> cmd = Optional.ofNullable(container.getCommand()).orElse(List.of());
    if (!cmd.isEmpty()) {
      o.addAll(List.of("--entrypoint", json(cmd)));
    }
    o.add(container.getImage());
    o.addAll(Optional.ofNullable(container.getArgs()).orElse(List.of()));
    return o;
  }

  @Override
  public String imageId(Container container) {
    Result r =
        run(
            concat(podman, "image", "inspect", "--format", "{{.Id}}", container.getImage()),
            Duration.ofSeconds(20));
    return r.code() == 0 ? "sha256:" + r.output().strip() : null;
  }

  /**
   * Removes every container of this run, running or not, and starts no more: again until none is
   * listed, as one may have been in the middle of its start at the first look.
   */
  private void removeAll() {
    closed = true;
    for (int pass = 0; pass < 5; pass++) {
      Result ids =
          run(
              concat(
                  podman, "ps", "--all", "--quiet", "--filter", "label=" + RUN_LABEL + "=" + runId),
              Duration.ofSeconds(30));
      List<String> left =
          ids.output().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
      if (ids.code() == 0 && left.isEmpty()) {
        return;
      }
      if (!left.isEmpty()) {
        List<String> rm = concat(podman, "rm", "--force", "--ignore", "--time", "2");
        rm.addAll(left);
        Result r = run(rm, Duration.ofSeconds(60));
        if (r.code() != 0) {
          log.warn("could not remove the containers of run {}: {}", runId, r.output().strip());
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    removeAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs
    }
  }

  /** One container, alive as long as its attached {@code podman run}. */
  private final class PodmanContainer implements Running {
    private final String name;
    private final Path cidFile;
    private final Process process;
    private final TerminationMessage message;
    private volatile boolean oomKilled;
    private Exit exit;

    /** The container's CPU accounting file, found on first use. */
    private volatile Path cpuUsage;

    PodmanContainer(String name, Path cidFile, Process process, TerminationMessage message) {
      this.name = name;
      this.cidFile = cidFile;
      this.process = process;
      this.message = message;
    }

    @Override
    public String id() {
      try {
        String id = Files.isRegularFile(cidFile) ? Files.readString(cidFile).strip() : "";
        return id.isEmpty() ? null : "podman://" + id;
      } catch (IOException e) {
        return null;
      }
    }

    @Override
    public Process process() {
      return process;
    }

    @Override
    public boolean alive() {
      return process.isAlive();
    }

    /**
     * Read from podman once the container has ended (OOMKilled from the cgroup's OOM event), then
     * removed.
     */
    @Override
    public synchronized Exit exit() {
      if (exit == null) {
        Result state =
            run(
                concat(
                    podman,
                    "inspect",
                    "--type",
                    "container",
                    "--format",
                    "{{.State.OOMKilled}}|{{.State.ExitCode}}|{{.State.Status}}",
                    name),
                Duration.ofSeconds(30));
        String[] parts = state.output().strip().split("\\|");
        if (state.code() == 0 && parts.length == 3 && !parts[2].strip().equals("created")) {
          int code = Integer.parseInt(parts[1].strip());
          exit =
              (Boolean.parseBoolean(parts[0].strip()) || oomKilled
                      ? new Exit(code, "OOMKilled")
                      : Exit.of(code))
                  .withMessage(message.read(code));
        } else {
          // podman could not create or start it (its own error is in the pod's log), as
          // containerd's StartError
          exit = new Exit(128, "StartError");
        }
        run(concat(podman, "rm", "--force", "--ignore", name), Duration.ofSeconds(30));
      }
      return exit;
    }

    /**
     * Watches the container's memory cgroup for the kernel's OOM kills while it runs: podman's own
     * {@code OOMKilled} stays false on hosts with cgroup v1 or a hybrid layout (its conmon does not
     * see the event there), and the cgroup is gone soon after the container has exited, so it is
     * read while it exists ({@code oom_kill} of {@code memory.oom_control} on v1, of {@code
     * memory.events} on v2), every 50 ms.
     */
    void watchForOom() {
      Path events = null;
      try {
        while (process.isAlive() && events == null) {
          Thread.sleep(100);
          if (id() != null) {
            Result path =
                run(
                    concat(
                        podman,
                        "inspect",
                        "--type",
                        "container",
                        "--format",
                        "{{.State.CgroupPath}}",
                        name),
                    Duration.ofSeconds(10));
            String cgroup = path.output().strip();
            if (path.code() == 0 && cgroup.startsWith("/")) {
              for (Path candidate :
                  List.of(
                      Path.of("/sys/fs/cgroup/memory" + cgroup, "memory.oom_control"),
                      Path.of("/sys/fs/cgroup" + cgroup, "memory.events"))) {
                if (Files.isReadable(candidate)) {
                  events = candidate;
                }
              }
              if (events == null) {
                return; // no memory cgroup of its own to watch: podman's OOMKilled alone tells
              }
            }
          }
        }
        while (process.isAlive() && !oomKilled) {
          try {
            oomKilled =
                Files.readAllLines(events).stream()
                    .map(String::strip)
                    .anyMatch(l -> l.startsWith("oom_kill ") && !l.equals("oom_kill 0"));
          } catch (IOException e) {
            return; // the cgroup is gone
          }
          Thread.sleep(50);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /**
     * From the container's cgroup: {@code cpuacct.usage} (v1, nanoseconds) or {@code usage_usec} of
     * {@code cpu.stat} (v2), as the kubelet's stats that metrics-server reads.
     */
    @Override
    public java.util.OptionalLong cpuNanos() {
      try {
        if (cpuUsage == null && process.isAlive() && id() != null) {
          Result path =
              run(
                  concat(
                      podman,
                      "inspect",
                      "--type",
                      "container",
                      "--format",
                      "{{.State.CgroupPath}}",
                      name),
                  Duration.ofSeconds(10));
          String cgroup = path.output().strip();
          if (path.code() == 0 && cgroup.startsWith("/")) {
            for (Path candidate :
                List.of(
                    Path.of("/sys/fs/cgroup/cpuacct" + cgroup, "cpuacct.usage"),
                    Path.of("/sys/fs/cgroup/cpu,cpuacct" + cgroup, "cpuacct.usage"),
                    Path.of("/sys/fs/cgroup" + cgroup, "cpu.stat"))) {
              if (cpuUsage == null && Files.isReadable(candidate)) {
                cpuUsage = candidate;
              }
            }
          }
        }
        if (cpuUsage == null) {
          return java.util.OptionalLong.empty();
        }
        List<String> lines = Files.readAllLines(cpuUsage);
        if (cpuUsage.getFileName().toString().equals("cpuacct.usage")) {
          return java.util.OptionalLong.of(Long.parseLong(lines.getFirst().strip()));
        }
        return lines.stream()
            .map(String::strip)
            .filter(l -> l.startsWith("usage_usec "))
            .mapToLong(l -> Long.parseLong(l.substring("usage_usec ".length()).strip()) * 1000)
            .findFirst();
      } catch (IOException | RuntimeException e) {
        return java.util.OptionalLong.empty(); // the cgroup is gone with the container
      }
    }

    @Override
    public void stop(Duration grace) {
      long seconds = Math.max(1, grace.toSeconds());
      Result r =
          run(
              concat(podman, "stop", "--ignore", "--time", Long.toString(seconds), name),
              Duration.ofSeconds(seconds + 30));
      if (r.code() != 0) {
        log.warn("podman stop {} exited with {}: {}", name, r.code(), r.output().strip());
      }
      processes.stop(process, Duration.ofSeconds(10));
      exit();
    }
  }

  record Result(int code, String output) {}

  static Result run(List<String> command, Duration timeout) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[][] out = new byte[1][];
      Thread reader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try (InputStream in = p.getInputStream()) {
                      out[0] = in.readAllBytes();
                    } catch (IOException e) {
                      out[0] = new byte[0];
                    }
                  });
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        return new Result(-1, "timed out after " + timeout + ": " + String.join(" ", command));
      }
      reader.join(5000);
      return new Result(
          p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }

  /**
   * The open-file and process limits of this process, given to every container as its own: podman
   * would otherwise ask for higher ones, which hosts that forbid raising limits refuse. The process
   * limit at most {@value #MAX_NPROC}: runc refused 65536 on a host whose own limit was 96367.
   */
  private static List<String> ulimits() {
    List<String> options = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        Matcher m = LIMIT.matcher(line);
        if (m.find() && !m.group(2).equals("unlimited")) {
          String name = m.group(1).equals("open files") ? "nofile" : "nproc";
          long value = Long.parseLong(m.group(2));
          if (name.equals("nproc")) {
            value = Math.min(value, MAX_NPROC);
          }
          options.addAll(List.of("--ulimit", name + "=" + value + ":" + value));
        }
      }
    } catch (IOException e) {
      log.debug("no /proc/self/limits: {}", e.getMessage());
    }
    return options;
  }

  private static boolean onPath(String executable) {
    return Optional.ofNullable(System.getenv("PATH")).stream()
        .flatMap(p -> Arrays.stream(p.split(File.pathSeparator)))
        .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, executable)));
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  @SafeVarargs
  private static <T> T first(T... values) {
    for (T v : values) {
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static String json(List<String> strings) {
    return strings.stream()
        .map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(",", "[", "]"));
  }
}
