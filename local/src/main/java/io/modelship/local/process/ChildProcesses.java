package io.modelship.local.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every process local mode starts, so that none outlives it: stopping one stops its whole tree
 * (SIGTERM, then SIGKILL after a grace period), and a JVM shutdown hook stops whatever is left on
 * Ctrl-C or on any failure.
 */
public final class ChildProcesses implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ChildProcesses.class);
  private final List<Process> running = new CopyOnWriteArrayList<>();
  private final List<Long> started = new CopyOnWriteArrayList<>();
  private final Thread hook = new Thread(this::stopAll, "stop-child-processes");

  public ChildProcesses() {
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts {@code command} with {@code env} added to this process's environment, output to {@code
   * log}.
   */
  public Process start(List<String> command, Map<String, String> env, Path logFile)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().putAll(env);
    Process p = builder.start();
    running.add(p);
    started.add(p.pid());
    return p;
  }

  /** Stops the process and its descendants; waits at most {@code grace} before killing. */
  public void stop(Process p, Duration grace) {
    List<ProcessHandle> descendants = p.descendants().toList();
    p.destroy();
    descendants.forEach(ProcessHandle::destroy);
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("process {} did not stop within {}; killing it", p.pid(), grace);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    running.remove(p);
  }

  /** The pid of every process ever started here. */
  public List<Long> startedPids() {
    return List.copyOf(started);
  }

  /** Processes started and not yet stopped (some may have exited by themselves). */
  public List<Process> all() {
    return List.copyOf(running);
  }

  private void stopAll() {
    List<Process> all = List.copyOf(running);
    all.forEach(
        p -> {
          p.descendants().forEach(ProcessHandle::destroy);
          p.destroy();
        });
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (Process p : all) {
      try {
        long left = Math.max(1, deadline - System.nanoTime());
        if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
      }
    }
    running.clear();
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down
    }
  }
}
