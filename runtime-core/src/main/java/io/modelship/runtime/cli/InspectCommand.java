package io.modelship.runtime.cli;

import io.modelship.api.runtime.UriRedaction;
import io.modelship.runtime.model.ModelManifest;
import io.modelship.runtime.model.ModelPackage;
import io.modelship.runtime.server.ServeConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code inspect}: verifies a package and prints its manifest summary. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Verify a model package (checksum, allow-list, features) and print its summary.")
public final class InspectCommand implements Callable<Integer> {

  @Parameters(index = "0", description = "Package: folder, .tar.gz or .zip (path or URI).")
  String uri;

  @Spec CommandSpec spec;

  @Option(
      names = "--timeout",
      description =
          "Give up (exit status 1) when checking the package takes longer"
              + " (default 5m, like MODEL_LOAD_TIMEOUT).")
  String timeout;

  @Override
  public Integer call() throws Exception {
    Duration limit =
        ServeConfig.parseDuration(timeout, ServeConfig.DEFAULT_MODEL_LOAD_TIMEOUT, "--timeout");
    // A crafted artifact can make deserialisation run for ever and ignore interrupts: load on a
    // daemon thread and give up at the deadline (Main exits with the status, which ends the
    // thread).
    CompletableFuture<ModelPackage> loading = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("inspect-load")
        .start(
            () -> {
              try {
                loading.complete(ModelPackage.load(uri, null, LocalPackages.options()));
              } catch (Throwable e) {
                loading.completeExceptionally(e);
              }
            });
    ModelPackage pkg;
    try {
      pkg = loading.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      spec.commandLine()
          .getErr()
          .println(
              "error: checking "
                  + UriRedaction.redact(uri)
                  + " took longer than "
                  + limit.toSeconds()
                  + " s; gave up");
      return 1;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
    ModelManifest m = pkg.manifest();
    System.out.printf("name:        %s%n", m.name());
    System.out.printf("version:     %s%n", m.version());
    System.out.printf("format:      %s (%s, %s)%n", m.format(), m.task(), m.algorithm());
    System.out.printf(
        "artifact:    %s sha256 %s (verified)%n", m.artifact().file(), m.artifact().sha256());
    if (!pkg.packageSha256().equals(m.artifact().sha256())) {
      System.out.printf("package:     sha256 %s%n", pkg.packageSha256());
    }
    System.out.printf("target:      %s%n", m.target());
    System.out.printf("labels:      %s%n", String.join(", ", m.labels()));
    System.out.printf("features:    %d%n", m.featureCount());
    for (ModelManifest.Feature f : m.features()) {
      System.out.printf(
          Locale.ROOT, "  - %-24s %s [%s, %s]%n", f.name(), f.type(), f.min(), f.max());
    }
    if (m.metrics() != null) {
      System.out.printf(
          Locale.ROOT,
          "accuracy:    %.4f on %d rows (%s)%n",
          m.metrics().holdoutAccuracy(),
          m.metrics().testRows(),
          m.metrics().holdout());
    }
    System.out.printf(
        "reference:   %s%n",
        m.reference() == null
            ? "none (drift cannot be measured)"
            : m.reference().features().size()
                + " feature distributions and the prediction distribution");
    System.out.printf("created:     %s%n", m.createdAt());
    return 0;
  }
}
