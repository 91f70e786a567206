package io.modelship.local.process;

import java.nio.file.Files;
import java.nio.file.Path;

/** The java launcher of the running JVM (a JDK 25), used for every child JVM. */
public final class Java {
  private Java() {}

  public static String launcher() {
    return ProcessHandle.current()
        .info()
        .command()
        .filter(c -> Files.isExecutable(Path.of(c)))
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }
}
