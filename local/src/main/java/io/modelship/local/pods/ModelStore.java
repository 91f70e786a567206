package io.modelship.local.pods;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a ModelDeployment's model URI onto a package on this machine, as an artifact store would
 * serve it: {@code https://models.example.com/iris/2.0.0.tar.gz} (or {@code …/iris-2.0.0.tar.gz})
 * is {@code <dir>/iris-2.0.0.tar.gz} in the first directory that has it. {@code file://} URIs and
 * URIs without a local package are left as they are, so the runtime meets them as in a cluster.
 */
public final class ModelStore {

  private static final Pattern NAME_SLASH_VERSION =
      Pattern.compile(".*/([A-Za-z0-9._-]+)/([0-9][A-Za-z0-9._-]*?)(\\.tar\\.gz|\\.tgz|\\.zip)$");
  private static final Pattern NAME_DASH_VERSION =
      Pattern.compile(".*/([A-Za-z0-9._-]+?)-([0-9][A-Za-z0-9._-]*?)(\\.tar\\.gz|\\.tgz|\\.zip)$");

  private final List<Path> directories;

  /**
   * The embedded S3 store's real address, stood in for by {@link LocalS3#ENDPOINT}; null without
   * one.
   */
  private final URI s3Endpoint;

  public ModelStore(List<Path> directories) {
    this(directories, null);
  }

  public ModelStore(List<Path> directories, URI s3Endpoint) {
    this.directories = List.copyOf(directories);
    this.s3Endpoint = s3Endpoint;
  }

  /**
   * s3:// URIs are left as they are: the runtime reads them from the embedded S3 store, as in a
   * cluster.
   */
  public String resolve(String uri) {
    if (uri == null || uri.startsWith("file:") || uri.startsWith("pvc:") || uri.startsWith("s3:")) {
      return uri;
    }
    return local(uri).map(p -> p.toUri().toString()).orElse(uri);
  }

  /**
   * An {@code S3_ENDPOINT} as the pod would reach it: {@link LocalS3#ENDPOINT}, the store's name in
   * the examples (as a cluster's DNS name), is the embedded store's port on this machine.
   */
  public String resolveS3Endpoint(String endpoint) {
    return s3Endpoint != null && LocalS3.ENDPOINT.equals(endpoint)
        ? s3Endpoint.toString()
        : endpoint;
  }

  Optional<Path> local(String uri) {
    String path;
    try {
      path = URI.create(uri).getPath();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (path == null) {
      return Optional.empty();
    }
    for (Pattern pattern : List.of(NAME_SLASH_VERSION, NAME_DASH_VERSION)) {
      Matcher m = pattern.matcher(path);
      if (m.matches()) {
        String file = m.group(1) + "-" + m.group(2) + m.group(3);
        for (Path dir : directories) {
          Path candidate = dir.resolve(file);
          if (Files.isRegularFile(candidate)) {
            return Optional.of(candidate.toAbsolutePath());
          }
        }
      }
    }
    return Optional.empty();
  }
}
